using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>plot, sweep and report on replay runs (see <see cref="ReportRunsFixture"/>).</summary>
public sealed class PlotSweepReportTests(ReportRunsFixture runs) : IClassFixture<ReportRunsFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("lladav-plot-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Should_draw_scaling_curves_from_the_train_samples_tags()
    {
        var (code, output, error) = await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", _scratch, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        foreach (var name in new[] { "scaling.svg", "scaling_mmmu_val.svg", "scaling_mmstar.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_scratch, name)), name);
        }

        var texts = SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(_scratch, "scaling.svg"), TestContext.Current.CancellationToken));
        Assert.Contains("LLaDA-V", texts);
        Assert.Contains("1M", texts);
        Assert.Contains("MMMU (mmmu_val) (sample data)", texts);
        Assert.Contains("score (%)", texts);
    }

    [Fact]
    public async Task Should_say_which_tag_is_missing_for_a_scaling_plot()
    {
        var (code, _, error) = await Cli.RunAsync("plot", "scaling", runs.OldRules, "--out", _scratch);
        Assert.Equal(3, code);
        Assert.Contains("--tag train_samples=3M", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_sweep_a_setting_into_sibling_runs_and_plot_the_tradeoff()
    {
        var sweep = Path.Combine(_scratch, "sweep");
        await ReportRunsFixture.Sweep(sweep);
        foreach (var value in new[] { "2", "8" })
        {
            var dir = Path.Combine(sweep, $"refresh_interval-{value}");
            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "manifest.json"), TestContext.Current.CancellationToken))!;
            Assert.Equal($"refresh_interval={value}", (string)manifest["config"]!["gen_kwargs"]!);
            Assert.Equal(value, (string)manifest["config"]!["tags"]!["refresh_interval"]!);
            // current rules: the open-ended docs 2 and 4 cannot score (UpstreamQuirk) → docs 0 and 3 → 2/5
            Assert.Equal(0.4, (double)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "results.json"), TestContext.Current.CancellationToken))!["results"]!["mmmu_val"]!["mmmu_acc,none"]!, 12);
        }

        // Replay does not time generation: the tradeoff plot says so instead of inventing a throughput.
        var (missing, _, missingError) = await Cli.RunAsync("plot", "tradeoff", sweep, "--out", Path.Combine(_scratch, "p0"));
        Assert.Equal(3, missing);
        Assert.Contains("tokens_per_second", missingError, StringComparison.Ordinal);

        // Stand in for a timed backend by writing the throughput a real model would have recorded.
        foreach (var (value, tps) in new[] { ("2", 10.0), ("8", 24.0) })
        {
            await ReportRunsFixture.EditJson(Path.Combine(sweep, $"refresh_interval-{value}", "timing.json"), t => t["mmmu_val"]!["tokens_per_second"] = tps);
        }

        var plots = Path.Combine(_scratch, "p1");
        var (plotCode, plotOut, plotError) = await Cli.RunAsync("plot", "tradeoff", sweep, "--out", plots, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(plotCode == 0, plotOut + plotError);
        var texts = SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(plots, "tradeoff.svg"), TestContext.Current.CancellationToken));
        Assert.Contains("r=2", texts);
        Assert.Contains("r=8", texts);
        Assert.Contains("r=48", texts); // the paper's Table 8 curve
        Assert.Contains("Paper Table 8 (reference): MathVista testmini", texts);
        Assert.Contains("ours: LLaDA-V", texts);

        // Both runs score 40 %: (24, 40) beats (10, 40), so the frontier is one point, which draws no line and gets
        // no legend entry; the paper's frontier has six points and is drawn.
        Assert.DoesNotContain("ours: Pareto frontier", texts);
        Assert.Contains("paper: Pareto frontier", texts);

        // A throughput measured on the emulated CUDA device (timing.json as a run there writes it) is a CPU emulation
        // time: the tradeoff plot refuses it rather than place it on the throughput axis (issue 27).
        var emulatedPath = Path.Combine(sweep, "refresh_interval-8", "timing.json");
        var emulated = JsonNode.Parse(await File.ReadAllTextAsync(emulatedPath, TestContext.Current.CancellationToken))!;
        emulated["mmmu_val"]!["device"] = "cuda:0 emulated device 0 (CPU, LLaDAV CUDA emulator) (sm_90, 8 GiB)";
        emulated["mmmu_val"]!["emulated_device"] = true;
        await File.WriteAllTextAsync(emulatedPath, emulated.ToJsonString(), TestContext.Current.CancellationToken);
        var (refused, _, refusedError) = await Cli.RunAsync("plot", "tradeoff", sweep, "--out", Path.Combine(_scratch, "p2"), "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(3, refused);
        Assert.Contains("ran on an emulated device (cuda:0 emulated device 0", refusedError, StringComparison.Ordinal);
        Assert.Contains("CPU emulation time, not a GPU timing", refusedError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_png_beside_svg_with_no_converter_on_path()
    {
        var (code, output, error) = await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", _scratch, "--png", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        var png = await File.ReadAllBytesAsync(Path.Combine(_scratch, "scaling.png"), TestContext.Current.CancellationToken);
        Assert.Equal((byte)0x89, png[0]);
        Assert.Equal((byte)'P', png[1]);
        using var image = SkiaSharp.SKBitmap.Decode(png);
        var svg = System.Xml.Linq.XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_scratch, "scaling.svg"), TestContext.Current.CancellationToken)).Root!;
        Assert.Equal(2 * double.Parse(svg.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture), image.Width, 0.6);
    }

    [Fact]
    public async Task Should_write_a_markdown_and_a_self_contained_html_report()
    {
        var (code, output, error) = await Cli.RunAsync("report", runs.Base, "--out", _scratch, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        var md = await File.ReadAllTextAsync(Path.Combine(_scratch, "report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| mmmu_val | `mmmu_acc,none (primary) [%]` | 80 | N/A | 48.6 | +31.4 | 5 | sample |", md, StringComparison.Ordinal);
        Assert.Contains("## Answer extraction", md, StringComparison.Ordinal);
        Assert.Contains("unparseable: 1", md, StringComparison.Ordinal); // MMStar's empty response
        var html = await File.ReadAllTextAsync(Path.Combine(_scratch, "report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("scores.svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
    }
}
