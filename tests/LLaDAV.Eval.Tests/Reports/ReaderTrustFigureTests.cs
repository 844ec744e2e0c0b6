using System.Text.RegularExpressions;
using LLaDAV.Eval.Reports.Plots;
using SkiaSharp;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>
/// Issue 26, the figures as a reader sees them: ids that cannot collide when figures share a page, markers clear of
/// the frame, coincident markers both visible, and no legend entry for a series that draws nothing.
/// </summary>
public sealed partial class ReaderTrustFigureTests
{
    [Fact]
    public void Two_different_figures_define_no_common_svg_id()
    {
        // report.html inlines several figures; an id is page-wide, so each must be unique to its figure.
        var a = FigureRenderer.Render(SampleFigures.Scaling());
        var b = FigureRenderer.Render(SampleFigures.Scaling() with { Title = "Another figure" });
        var idsA = Ids().Matches(a).Select(m => m.Groups[1].Value).ToList();
        var idsB = Ids().Matches(b).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(idsA);
        Assert.Equal(idsA.Count, idsA.Distinct().Count());
        Assert.Empty(idsA.Intersect(idsB));
        Assert.Equal(a, FigureRenderer.Render(SampleFigures.Scaling())); // still byte-identical for the same figure
    }

    [Fact]
    public void Prefixing_renames_definitions_and_references_together()
    {
        const string svg = """<svg><clipPath id="clip0"><rect/></clipPath><g clip-path="url(#clip0)"/><use href="#clip0"/><g clip-path="url(#other)"/></svg>""";
        Assert.Equal("""<svg><clipPath id="p-clip0"><rect/></clipPath><g clip-path="url(#p-clip0)"/><use href="#p-clip0"/><g clip-path="url(#other)"/></svg>""", SvgIds.Prefix(svg, "p-"));
    }

    [Fact]
    public void Every_marker_stays_at_least_a_marker_width_inside_the_frame()
    {
        // The scaling figure's extreme points (1M and 9M; the lowest and highest scores) sit at the data's edges.
        using var composed = FigureRenderer.Compose(SampleFigures.Scaling());
        var figure = SampleFigures.Scaling();
        for (var i = 0; i < composed.Plots.Length; i++)
        {
            var plot = composed.Plots[i];
            plot.RenderInMemory((int)FigureRenderer.PanelWidth, (int)FigureRenderer.PanelHeight);
            var frame = plot.LastRender.DataRect;
            foreach (var p in figure.Panels[i].Series.SelectMany(s => s.Points))
            {
                // ScottPlot's axes for the panel (the log x axis replaced the bottom one).
                var x = plot.Axes.GetAxes().OfType<ScottPlot.IXAxis>().First(a => a.GetType() == typeof(LogBottomAxis));
                var px = x.GetPixel(p.X, frame);
                var py = plot.Axes.Left.GetPixel(p.Y, frame);
                const float clearance = 9 + 4.5f; // one marker width beyond the marker's own radius
                Assert.True(px - frame.Left >= clearance && frame.Right - px >= clearance, $"x={p.X} is drawn {px - frame.Left:0.0}/{frame.Right - px:0.0} px from the left/right frame");
                Assert.True(py - frame.Top >= clearance && frame.Bottom - py >= clearance, $"y={p.Y} is drawn {py - frame.Top:0.0}/{frame.Bottom - py:0.0} px from the top/bottom frame");
            }
        }
    }

    [Fact]
    public void Ticks_at_the_axis_marks_label_each_checkpoint_and_nothing_else()
    {
        var axis = new Axis("training samples", AxisScale.Log, TickFormat.Count, Marks: [1e6, 3e6, 9e6]);
        var (ticks, range) = PanelPlot.Ticks(axis, [1e6, 3e6, 9e6]);
        Assert.Equal(["1M", "3M", "9M"], ticks.Values.Select(v => TickLabels.Format(v, TickFormat.Count, ticks.Decimals)));
        Assert.True(range.Lo < 1e6 && range.Hi > 9e6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(100.0)]
    [InlineData(40.0)]
    public void A_percent_axis_labels_no_impossible_value_for_flat_scores(double flat)
    {
        var (ticks, range) = PanelPlot.Ticks(Axis.Score("score (%)", "%"), [flat, flat]);
        Assert.True(ticks.Values.Length >= 2, "a flat series still needs a scale");
        Assert.True(flat - range.Lo >= 0.05 * (range.Hi - range.Lo) && range.Hi - flat >= 0.05 * (range.Hi - range.Lo), $"{flat} in [{range.Lo}, {range.Hi}] sits on the frame");
        Assert.All(ticks.Values, v => Assert.InRange(v, 0, 100));
        Assert.Contains(ticks.Values, v => v <= flat);
        Assert.Contains(ticks.Values, v => v >= flat);
    }

    [Fact]
    public void Coincident_markers_of_two_series_are_both_visible()
    {
        // Two families with the same scores at the same checkpoints: without a dodge the second hides the first.
        var x = new Axis("training samples", AxisScale.Log, TickFormat.Count);
        var y = new Axis("score (%)");
        var blue = SeriesStyle.ForIndex(0) with { Connect = false };
        var orange = SeriesStyle.ForIndex(1) with { Connect = false, Marker = MarkerShape.Circle };
        PlotPoint[] points = [new(1e6, 40), new(3e6, 50), new(9e6, 60)];
        Figure Make(params PlotSeries[] series) => new("coincident", [new Panel("p", x, y, [.. series])], 1);
        var alone = ColourPixels(FigureRenderer.RenderPng(Make(new PlotSeries("A", [.. points], blue)), 1), blue.Color);
        var both = ColourPixels(FigureRenderer.RenderPng(Make(new PlotSeries("A", [.. points], blue), new PlotSeries("B", [.. points], orange)), 1), blue.Color);
        Assert.True(alone > 100, $"series A alone draws {alone} px");

        // The legend's blue marker is in both; beyond it, at least half of A's markers must still show.
        Assert.True(both >= alone * 0.5, $"series A shows {both} px beside B, {alone} px alone: hidden under B's markers");
    }

    [Fact]
    public void A_series_that_draws_nothing_gets_no_legend_entry()
    {
        var x = new Axis("throughput (tokens/s)");
        var y = Axis.Score("score (%)", "%");
        var figure = new Figure("legend", [new Panel("p", x, y,
        [
            new PlotSeries("points", [new PlotPoint(10, 40), new PlotPoint(24, 40)], SeriesStyle.ForIndex(0) with { Connect = false }),
            new PlotSeries("one-point frontier", [new PlotPoint(24, 40)], new SeriesStyle(Palette.Color(0), null, true, "6 4")),
        ])], 1);
        var texts = LLaDAV.Eval.Testing.SvgTexts.Of(FigureRenderer.Render(figure));
        Assert.Contains("points", texts);
        Assert.DoesNotContain("one-point frontier", texts);
    }

    private static int ColourPixels(byte[] png, string hex)
    {
        using var bitmap = SKBitmap.Decode(png);
        var c = SKColor.Parse(hex);
        var count = 0;
        for (var yy = 0; yy < bitmap.Height; yy++)
        {
            for (var xx = 0; xx < bitmap.Width; xx++)
            {
                var p = bitmap.GetPixel(xx, yy);
                count += Math.Abs(p.Red - c.Red) + Math.Abs(p.Green - c.Green) + Math.Abs(p.Blue - c.Blue) < 30 ? 1 : 0;
            }
        }

        return count;
    }

    [GeneratedRegex("""\sid="([^"]+)"(?=[\s/>])""")]
    private static partial Regex Ids();
}
