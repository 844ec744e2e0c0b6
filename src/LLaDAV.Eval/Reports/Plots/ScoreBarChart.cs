using System.Collections.Immutable;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>One bar: a task's score and, where the paper reports it, the paper's value (drawn as a grey tick).</summary>
public sealed record ScoreBar(string Label, double Value, double? Stderr, double? Paper);

/// <summary>
/// A horizontal ScottPlot bar chart of one run's primary scores on one unit (e.g. %), with ±1 standard error bars and
/// the paper's values as reference ticks, the legend outside the data; for the run report.
/// </summary>
public static class ScoreBarChart
{
    private const float RowHeight = 30;
    private const float PlotWidth = 420;

    public static string Render(string title, string unit, ImmutableArray<ScoreBar> bars)
    {
        using var plot = Build(title, unit, bars);
        var (width, height) = Size(plot, bars);
        return Canvases.Svg(width, height, title, canvas => plot.Render(canvas, new PixelRect(0, width, height, 0)));
    }

    /// <summary>The chart's ScottPlot plot: bar i at y = n − 1 − i so the first task is on top.</summary>
    public static Plot Build(string title, string unit, ImmutableArray<ScoreBar> bars)
    {
        ArgumentNullException.ThrowIfNull(title);
        PlotFonts.Install();
        var plot = new Plot();
        plot.Axes.Title.Label.Text = title;
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Title.Label.Bold = true;
        var n = bars.Length;
        var blue = Color.FromHex(Palette.Color(0));
        var reference = Color.FromHex(Palette.Reference);
        var barPlot = plot.Add.Bars(bars.Select((b, i) => new Bar
        {
            Position = n - 1 - i,
            Value = b.Value,
            Error = b.Stderr ?? 0,
            Size = 0.6,
            FillColor = blue,
            LineColor = Color.FromHex(Palette.Axis),
            LineWidth = 1.5f,
            Orientation = Orientation.Horizontal,
        }).ToArray());
        barPlot.Horizontal = true;
        barPlot.LegendText = "this run";
        var paperShown = false;
        for (var i = 0; i < n; i++)
        {
            if (bars[i].Paper is { } p)
            {
                var line = plot.Add.Line(p, n - 1 - i - 0.45, p, n - 1 - i + 0.45);
                line.LineColor = reference;
                line.LineWidth = 3;
                line.MarkerSize = 0;
                line.LegendText = paperShown ? "" : "paper";
                paperShown = true;
            }
        }

        var max = bars.SelectMany(b => new[] { b.Value + (b.Stderr ?? 0), b.Paper ?? 0 }).DefaultIfEmpty(1).Max();
        // 4% headroom so the longest bar does not end on the frame; a percentage axis ends at 100 at most (an error
        // bar reaching past it is cut there, no "120" is labelled).
        var ticks = NiceTicks.Linear(0, Math.Max(unit == "%" ? Math.Min(max * 1.04, 100) : max * 1.04, 1e-9), 6);
        var xTicks = new NumericManual();
        foreach (var t in ticks.Values)
        {
            xTicks.AddMajor(t, TickLabels.Format(t, TickFormat.Number, ticks.Decimals));
        }

        var yTicks = new NumericManual();
        for (var i = 0; i < n; i++)
        {
            yTicks.AddMajor(n - 1 - i, bars[i].Label);
        }

        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.Label.Text = $"score ({unit})";
        plot.Axes.Bottom.Label.FontSize = 13;
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Grid.MajorLineColor = Color.FromHex(Palette.Grid);
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.Axes.SetLimits(ticks.Min, ticks.Max, -0.6, Math.Max(n, 1) - 0.4);
        plot.Legend.FontName = PlotFonts.Family;
        plot.Legend.FontSize = 13;
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.OutlineColor = Color.FromHex(Palette.Grid);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Rows of 30 px, a 420 px data area, and room for the widest label and the legend, as ScottPlot measures them.</summary>
    public static (float Width, float Height) Size(Plot plot, ImmutableArray<ScoreBar> bars)
    {
        ArgumentNullException.ThrowIfNull(plot);
        using var paint = Paint.NewDisposablePaint();
        var label = bars.IsEmpty ? 60 : bars.Max(b => plot.Axes.Left.TickLabelStyle.Measure(b.Label, paint).Width);
        return (label + PlotWidth + 190, 110 + (Math.Max(1, bars.Length) * RowHeight));
    }
}
