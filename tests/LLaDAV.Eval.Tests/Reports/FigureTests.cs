using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Testing;
using ScottPlot;
using MarkerShape = LLaDAV.Eval.Reports.Plots.MarkerShape;
using Palette = LLaDAV.Eval.Reports.Plots.Palette;
using ScottPlot.Plottables;
using SkiaSharp;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>
/// The ScottPlot figures, asserted on what they plot and where things sit (not on pixels): data values through a real
/// log axis, ticks, legend outside the data, nothing clipped, the embedded font, SVG and PNG from one drawing.
/// </summary>
public sealed class FigureTests
{
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


    [Fact]
    public void The_log_axis_maps_the_data_values_themselves()
    {
        using var figure = FigureRenderer.Compose(SampleFigures.Scaling());
        var plot = figure.Plots[0];
        DrawOnce(figure);

        // The plotted values are the training-sample counts, not their logarithms.
        var llada = plot.GetPlottables<Scatter>().Single(s => s.LegendText == "LLaDA-V");
        Assert.Equal([1e6, 3e6, 9e6], llada.Data.GetScatterPoints().Select(p => p.X));
        Assert.IsType<LogBottomAxis>(plot.Axes.Bottom);

        // On a log axis 3M sits halfway between 1M and 9M (log 3 / log 9 = 1/2), and the decades are equally spaced.
        var rect = plot.LastRender.DataRect;
        IAxis x = plot.Axes.Bottom;
        float Px(double v) => x.GetPixel(v, rect);
        Assert.Equal(0.5, (Px(3e6) - Px(1e6)) / (Px(9e6) - Px(1e6)), 4);
        Assert.Equal(Math.Log10(2), (Px(2e6) - Px(1e6)) / (Px(1e7) - Px(1e6)), 4);
        Assert.Equal(1, x.GetCoordinate(Px(3e6), rect) / 3e6, 4);

        // Labelled 1-2-5 majors in the data's units, unlabelled 3, 4, 6, 7, 8, 9 minors.
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks;
        Assert.Equal([1e6, 2e6, 5e6, 1e7], ticks.Where(t => t.IsMajor).Select(t => t.Position));
        Assert.Equal(["1M", "2M", "5M", "10M"], ticks.Where(t => t.IsMajor).Select(t => t.Label));
        Assert.Contains(ticks, t => !t.IsMajor && Math.Abs(t.Position - 3e6) < 1);
        Assert.Contains(ticks, t => !t.IsMajor && Math.Abs(t.Position - 9e6) < 1);
    }

    [Fact]
    public void Error_bars_are_one_standard_error_each_side()
    {
        using var figure = FigureRenderer.Compose(SampleFigures.Scaling());
        var bars = figure.Plots[0].GetPlottables<ErrorBar>().ToList();
        Assert.Equal(2, bars.Count); // one per family in the panel that has standard errors
        Assert.All(bars, b => Assert.Equal([1.1, 1.1, 1.1], b.YErrorPositive!));
        Assert.Empty(figure.Plots[1].GetPlottables<ErrorBar>());
    }

    [Fact]
    public void The_legend_lists_each_series_once_outside_every_data_area()
    {
        using var figure = FigureRenderer.Compose(Tradeoff());
        DrawOnce(figure);
        var legend = figure.Layout.Legend;
        foreach (var plot in figure.Plots)
        {
            Assert.False(LabelPlacement.Overlap(plot.LastRender.DataRect, legend), $"legend {legend} overlaps data {plot.LastRender.DataRect}");
            Assert.False(plot.Legend.IsVisible);
        }

        Assert.True(legend.Right <= figure.Layout.Width, $"legend ends at {legend.Right}, figure is {figure.Layout.Width} wide");
        var svgTexts = SvgTexts.Of(FigureRenderer.Render(Tradeoff()));
        foreach (var name in new[] { "ours: LLaDA-V", "ours: Pareto frontier", "paper Table 8: LLaDA-V, Fast-dLLM cache", "paper: Pareto frontier" })
        {
            Assert.Single(svgTexts, t => t == name);
        }
    }

    [Fact]
    public void The_papers_curve_is_its_own_labelled_grey_panel_with_its_frontier()
    {
        using var figure = FigureRenderer.Compose(Tradeoff());
        var paper = figure.Plots[1];
        Assert.Equal("Paper Table 8 (reference): MathVista testmini", paper.Axes.Title.Label.Text);
        var points = paper.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("paper Table 8", StringComparison.Ordinal));
        Assert.Equal(Color.FromHex(Palette.Reference), points.MarkerFillColor);
        // the LLaDA-V paper (arXiv:2505.16933) Table 8: r=2..48 at 10.6..35.5 tokens/s; the frontier drops r=2 and r=32 (hand-checked in PlotPrimitivesTests).
        Assert.Equal(6, points.Data.GetScatterPoints().Count);
        var frontier = paper.GetPlottables<Scatter>().Single(s => s.LegendText == "paper: Pareto frontier");
        Assert.Equal(4, frontier.Data.GetScatterPoints().Count);
        Assert.Contains("r=48", paper.GetPlottables<Text>().Select(t => t.LabelText));
    }

    [Fact]
    public void Nothing_is_clipped_a_long_note_widens_the_figure()
    {
        var note = string.Concat(Enumerable.Repeat("A long footnote that must not be cut at the right edge. ", 8));
        using var figure = FigureRenderer.Compose(SampleFigures.Scaling() with { Note = note });
        var layout = figure.Layout;
        Assert.NotNull(layout.Note);
        Assert.True(layout.Note!.Value.Right <= layout.Width, $"note ends at {layout.Note.Value.Right}, figure is {layout.Width} wide");
        Assert.True(layout.Title.Right <= layout.Width);
        Assert.True(layout.Note.Value.Bottom <= layout.Height, $"note bottom {layout.Note.Value.Bottom} > {layout.Height}");
        DrawOnce(figure);
        for (var i = 0; i < figure.Plots.Length; i++)
        {
            // ScottPlot lays each panel out itself, so its data area (and the tick labels around it) stays inside the panel.
            var (panel, data) = (layout.Panels[i], figure.Plots[i].LastRender.DataRect);
            Assert.True(data.Left > panel.Left && data.Right < panel.Right && data.Top > panel.Top && data.Bottom < panel.Bottom, $"{data} not inside {panel}");
        }
    }

    [Fact]
    public void Point_labels_do_not_overlap()
    {
        using var figure = FigureRenderer.Compose(Tradeoff());
        DrawOnce(figure);
        foreach (var plot in figure.Plots)
        {
            using var paint = Paint.NewDisposablePaint();
            var boxes = plot.GetPlottables<Text>().Select(t =>
            {
                var at = plot.GetPixel(t.Location);
                var size = t.LabelStyle.Measure(t.LabelText, paint);
                return new PixelRect(at.X + t.OffsetX, at.X + t.OffsetX + size.Width, at.Y + t.OffsetY, at.Y + t.OffsetY - size.Height);
            }).ToList();
            Assert.NotEmpty(boxes);
            var data = plot.LastRender.DataRect;
            Assert.All(boxes, b => Assert.True(b.Left >= data.Left && b.Right <= data.Right && b.Top >= data.Top && b.Bottom <= data.Bottom, $"label {b} leaves the data area {data}, where ScottPlot would clip it"));
            for (var a = 0; a < boxes.Count; a++)
            {
                for (var b = a + 1; b < boxes.Count; b++)
                {
                    Assert.False(LabelPlacement.Overlap(boxes[a], boxes[b]), $"{boxes[a]} overlaps {boxes[b]}");
                }
            }
        }
    }

    [Fact]
    public void Text_comes_from_the_embedded_font_alone()
    {
        PlotFonts.Install();
        Assert.Single(ScottPlot.Fonts.FontResolvers);
        // Whatever family a plottable asks for, the embedded DejaVu Sans answers, so a machine without fonts draws the same.
        Assert.Equal("DejaVu Sans", ScottPlot.Fonts.GetTypeface("Arial", bold: false, italic: false).FamilyName);
        Assert.True(ScottPlot.Fonts.GetTypeface("Helvetica", bold: true, italic: false).FontStyle.Weight >= (int)SKFontStyleWeight.Bold);
        using var font = new SKFont(PlotFonts.Regular);
        foreach (var text in SvgTexts.Of(FigureRenderer.Render(Tradeoff())).Concat(SvgTexts.Of(FigureRenderer.Render(SampleFigures.Scaling()))))
        {
            Assert.True(font.ContainsGlyphs(text), $"the embedded font has no glyph for some character of '{text}'");
        }
    }

    [Fact]
    public void Svg_is_well_formed_deterministic_invariant_and_in_the_okabe_ito_palette()
    {
        var svg = FigureRenderer.Render(SampleFigures.Scaling());
        Assert.Equal(svg, FigureRenderer.Render(SampleFigures.Scaling()));
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal("Data scaling: score vs training samples", root.Elements().First(e => e.Name.LocalName == "title").Value);
        Assert.Contains("#0072B2", svg, StringComparison.Ordinal);
        Assert.Contains("#D55E00", svg, StringComparison.Ordinal);
        var texts = SvgTexts.Of(svg);
        Assert.Contains("1M", texts);
        Assert.Contains("10M", texts);
        Assert.Contains("training samples (log scale)", texts);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"=""-?\d+,\d", svg);
    }

    [Fact]
    public void Png_is_the_same_drawing_at_twice_the_size()
    {
        using var figure = FigureRenderer.Compose(Tradeoff());
        var png = FigureRenderer.RenderPng(Tradeoff());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using var image = SKBitmap.Decode(png);
        Assert.Equal((int)Math.Ceiling(2 * figure.Layout.Width), image.Width);
        Assert.Equal((int)Math.Ceiling(2 * figure.Layout.Height), image.Height);
        Assert.Equal(png, FigureRenderer.RenderPng(Tradeoff()));
    }

    [Fact]
    public void Score_bars_plot_each_task_with_its_error_and_the_papers_value()
    {
        ImmutableArray<ScoreBar> bars = [new("MMMU (mmmu_val)", 48.6, 1.6, 48.6), new("MMStar (mmstar)", 60.1, null, null)];
        using var plot = ScoreBarChart.Build("run: primary scores", "%", bars);
        var drawn = plot.GetPlottables<BarPlot>().Single().Bars;
        Assert.Equal([48.6, 60.1], drawn.Select(b => b.Value));
        Assert.Equal([1.0, 0.0], drawn.Select(b => b.Position)); // first task on top
        Assert.Equal([1.6, 0.0], drawn.Select(b => b.Error));
        plot.RenderInMemory(800, 200); // ticks are generated at render time
        var paper = plot.GetPlottables<LinePlot>().Single();
        Assert.Equal(48.6, paper.Start.X);
        Assert.Equal(["MMMU (mmmu_val)", "MMStar (mmstar)"], plot.Axes.Left.TickGenerator.Ticks.OrderByDescending(t => t.Position).Select(t => t.Label));
        var svg = ScoreBarChart.Render("run: primary scores", "%", bars);
        Assert.Contains("score (%)", SvgTexts.Of(svg));
    }

    /// <summary>Renders once (into a 1-pixel bitmap) so ScottPlot has laid the panels out and generated ticks.</summary>
    private static void DrawOnce(ComposedFigure figure)
    {
        using var bitmap = new SKBitmap(1, 1);
        using var canvas = new SKCanvas(bitmap);
        figure.Draw(canvas);
    }
}
