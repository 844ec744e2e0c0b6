using System.Runtime.CompilerServices;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Reports.Svg;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>A fact that is skipped, with the reason shown, when rsvg-convert is not installed.</summary>
public sealed class RequiresRsvgConvertFactAttribute : FactAttribute
{
    public RequiresRsvgConvertFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (PngConverter.TryFind() is null)
        {
            Skip = $"{PngConverter.Tool} is not on PATH: {PngConverter.InstallHint}.";
        }
    }
}

/// <summary>
/// Golden SVG files (inspected by eye as PNG before they were accepted) for the scaling and tradeoff figures.
/// Regenerate with LLADAV_UPDATE_GOLDEN=1 and look at the PNGs again before committing.
/// </summary>
public sealed class SvgSnapshotTests
{
    private static string Golden(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Tests", "Reports", "Golden", name);

    /// <summary>Two families at 1M/3M/9M samples on two tasks, with error bars on one.</summary>
    internal static Figure Scaling()
    {
        var x = new Axis("training samples (log scale)", AxisScale.Log, TickFormat.Count);
        var y = new Axis("score (%)");
        Panel P(string title, double[] llada, double[] llama, double? se) => new(title, x, y,
        [
            new PlotSeries("LLaDA-V", [.. new[] { 1e6, 3e6, 9e6 }.Select((v, i) => new PlotPoint(v, llada[i], se))], SeriesStyle.ForIndex(0)),
            new PlotSeries("LLaMA3-V", [.. new[] { 1e6, 3e6, 9e6 }.Select((v, i) => new PlotPoint(v, llama[i], se))], SeriesStyle.ForIndex(1)),
        ]);
        return new Figure("Data scaling: score vs training samples",
            [P("MMMU-Pro (mmmu_pro_standard)", [30.1, 33.0, 35.2], [22.4, 25.9, 28.3], 1.1), P("MMStar (mmstar)", [55.0, 58.3, 60.1], [52.0, 54.9, 56.5], null)], 2, "Synthetic numbers for the golden test.");
    }

    /// <summary>Five configurations of ours and the paper's Table 8 beside them.</summary>
    internal static Figure Tradeoff()
    {
        var x = new Axis("throughput (generated tokens/s)");
        PlotPoint[] ours = [new(9.8, 60.0, null, "r=2"), new(16.0, 60.0, null, "r=4"), new(22.5, 58.0, null, "r=8"), new(28.9, 58.5, null, "r=16"), new(33.0, 55.0, null, "r=32")];
        var paper = TradeoffPlot.PaperCurve(PaperReference.LoadFromRepository(TestPaths.RepoRoot));
        return new Figure("Accuracy vs throughput by cache refresh interval r",
        [
            new Panel("Our runs: MathVista (mathvista_testmini)", x, new Axis("score (%)"),
            [
                new PlotSeries("ours: LLaDA-V", [.. ours], SeriesStyle.ForIndex(0) with { Connect = false }),
                new PlotSeries("ours: Pareto frontier", Pareto.Frontier(ours), new SeriesStyle(Palette.Color(0), null, true, "6 4")),
            ]),
            new Panel("Paper Table 8 (reference): MathVista testmini", x, new Axis("accuracy (%)"),
            [
                new PlotSeries("paper Table 8: LLaDA-V, Fast-dLLM cache", paper, new SeriesStyle(Palette.Reference, MarkerShape.Square, false)),
                new PlotSeries("paper: Pareto frontier", Pareto.Frontier(paper), new SeriesStyle(Palette.Reference, null, true, "2 3")),
            ]),
        ], 2, "Points labelled by refresh interval r. The grey panel is the paper's published Table 8, not our measurement.");
    }

    [Theory]
    [InlineData("scaling.svg")]
    [InlineData("tradeoff.svg")]
    public void Should_render_the_same_svg_as_the_inspected_golden_file(string name)
    {
        var svg = FigureRenderer.Render(name == "scaling.svg" ? Scaling() : Tradeoff());
        if (Environment.GetEnvironmentVariable("LLADAV_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Golden(name), svg);
        }

        Assert.Equal(File.ReadAllText(Golden(name)), svg);
    }

    [Fact]
    public void Should_write_well_formed_svg_with_invariant_numbers_and_the_okabe_ito_palette()
    {
        var svg = FigureRenderer.Render(Scaling());
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Contains("#0072B2", svg, StringComparison.Ordinal);
        Assert.Contains("#D55E00", svg, StringComparison.Ordinal);
        Assert.Contains(">1M<", svg, StringComparison.Ordinal);
        Assert.Contains(">10M<", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"=""-?\d+,\d", svg);
    }

    [RequiresRsvgConvertFact]
    public void Should_render_to_png_with_rsvg_convert()
    {
        var dir = Directory.CreateTempSubdirectory("lladav-png-").FullName;
        try
        {
            var converter = PngConverter.Require();
            foreach (var (name, figure) in new[] { ("scaling.svg", Scaling()), ("tradeoff.svg", Tradeoff()) })
            {
                var svg = Path.Combine(dir, name);
                File.WriteAllText(svg, FigureRenderer.Render(figure));
                var png = File.ReadAllBytes(converter.Convert(svg));
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
                Assert.True(png.Length > 10_000, $"{name}: {png.Length} bytes");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Should_name_the_package_when_png_is_asked_for_without_rsvg_convert()
    {
        var empty = Directory.CreateTempSubdirectory("lladav-nopath-").FullName;
        try
        {
            Assert.Null(PngConverter.TryFind(empty));
            var e = Assert.Throws<LLaDAV.Eval.Errors.ConfigException>(() => PngConverter.Require(empty));
            Assert.Contains("librsvg2-bin", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
