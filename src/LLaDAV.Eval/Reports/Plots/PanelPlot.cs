using System.Collections.Immutable;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// One <see cref="Panel"/> as a ScottPlot <see cref="Plot"/>: the data as given (a log axis maps it, the values are
/// not transformed), 1-2-5 ticks from <see cref="NiceTicks"/>, light grid, axis titles with units, error bars with
/// caps, lines, markers, and point labels placed where they overlap neither another label nor a marker.
/// </summary>
public static class PanelPlot
{
    private const float TickFont = 12;
    private const float AxisFont = 13;
    private const float TitleFont = 14;
    private const float LabelFont = 11;
    private const float MarkerSize = 9;

    /// <summary>The panel's plot, ready to render into a rectangle of <paramref name="size"/> pixels.</summary>
    public static Plot Build(Panel panel, PixelSize size)
    {
        ArgumentNullException.ThrowIfNull(panel);
        PlotFonts.Install();
        var plot = new Plot();
        plot.Legend.IsVisible = false; // the figure has one legend for all panels, outside them
        var xAxis = XAxis(plot, panel.X);
        var yAxis = YAxis(plot, panel.Y);
        plot.Grid.XAxis = xAxis;
        plot.Grid.YAxis = yAxis;
        plot.Grid.MajorLineColor = Color.FromHex(Palette.Grid);
        plot.Axes.Title.Label.Text = panel.Title;
        plot.Axes.Title.Label.FontSize = TitleFont;
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Title.Label.FontName = PlotFonts.Family;

        var points = panel.Series.SelectMany(s => s.Points).ToList();
        var (xs, xRange) = Ticks(panel.X, points.Select(p => p.X));
        var (ys, yRange) = Ticks(panel.Y, points.SelectMany(p => new[] { p.Y - (p.YError ?? 0), p.Y + (p.YError ?? 0) }));
        Style(xAxis, panel.X, xs, xRange);
        Style(yAxis, panel.Y, ys, yRange);
        plot.Axes.SetLimits(xRange.Lo, xRange.Hi, yRange.Lo, yRange.Hi, xAxis, yAxis);
        panel = Dodge(plot, xAxis, panel, size);

        foreach (var series in panel.Series)
        {
            var ordered = series.Points.OrderBy(p => p.X).ToList();
            var color = Color.FromHex(series.Style.Color);
            if (ordered.Any(p => p.YError is > 0))
            {
                var withError = ordered.Where(p => p.YError is > 0).ToList();
                var bars = plot.Add.ErrorBar([.. withError.Select(p => p.X)], [.. withError.Select(p => p.Y)], [.. withError.Select(p => p.YError!.Value)]);
                bars.Color = color;
                bars.LineWidth = 1.5f;
                bars.CapSize = 8;
                bars.LegendText = "";
            }

            var scatter = plot.Add.Scatter(ordered.Select(p => p.X).ToArray(), ordered.Select(p => p.Y).ToArray(), color);
            scatter.LegendText = series.Name;
            scatter.LineWidth = series.Style.Connect ? 2 : 0;
            scatter.LinePattern = Pattern(series.Style.Dash);
            scatter.MarkerShape = Shape(series.Style.Marker);
            scatter.MarkerSize = series.Style.Marker is null ? 0 : MarkerSize;
            scatter.MarkerLineColor = Colors.White;
            scatter.MarkerLineWidth = series.Style.Marker is null ? 0 : 1;
        }

        AddPointLabels(plot, panel, size);
        return plot;
    }

    /// <summary>
    /// Markers of different series at the same (x, y) (two families with the same score at the same checkpoint)
    /// would hide each other: each is moved sideways by a marker's width, centred on the true x, as seaborn's
    /// pointplot "dodge" does. Only the drawing moves (a few pixels); y and the error bar's length are unchanged.
    /// </summary>
    private static Panel Dodge(Plot plot, IXAxis xAxis, Panel panel, PixelSize size)
    {
        var groups = panel.Series.Select((s, i) => (Series: s, Index: i))
            .Where(s => s.Series.Style.Marker is not null)
            .SelectMany(s => s.Series.Points.Select(p => (s.Index, Point: p)))
            .GroupBy(e => (e.Point.X, e.Point.Y))
            .Where(g => g.Select(e => e.Index).Distinct().Count() > 1)
            .ToList();
        if (groups.Count == 0)
        {
            return panel;
        }

        plot.RenderInMemory((int)size.Width, (int)size.Height);
        var data = plot.LastRender.DataRect;
        var moved = new Dictionary<(int Series, PlotPoint Point), double>();
        foreach (var g in groups)
        {
            var members = g.Select(e => e.Index).Distinct().Order().ToList();
            var at = xAxis.GetPixel(g.Key.X, data);
            for (var k = 0; k < members.Count; k++)
            {
                var offset = (float)((k - ((members.Count - 1) / 2.0)) * (MarkerSize + 1));
                moved[(members[k], g.First(e => e.Index == members[k]).Point)] = xAxis.GetCoordinate(at + offset, data);
            }
        }

        return panel with
        {
            Series = [.. panel.Series.Select((s, i) => s with { Points = [.. s.Points.Select(p => moved.TryGetValue((i, p), out var x) ? p with { X = x } : p)] })],
        };
    }

    /// <summary>A panel's point labels with their pixel offsets, once the layout (and so the data area) is known.</summary>
    private static void AddPointLabels(Plot plot, Panel panel, PixelSize size)
    {
        var labelled = panel.Series.Where(s => s.Style.Marker is not null).SelectMany(s => s.Points.OrderBy(p => p.X)).ToList();
        if (!labelled.Any(p => p.Label is not null))
        {
            return;
        }

        // The data area depends only on axes and titles (point labels never move it), so one layout pass gives the pixels.
        plot.RenderInMemory((int)size.Width, (int)size.Height);
        var markers = labelled.Select(p => plot.GetPixel(new Coordinates(p.X, p.Y))).ToList();
        var placed = new List<PixelRect>();
        using var paint = Paint.NewDisposablePaint();
        foreach (var p in labelled.Where(p => p.Label is not null))
        {
            var text = plot.Add.Text(p.Label!, p.X, p.Y);
            text.LabelStyle.FontName = PlotFonts.Family;
            text.LabelStyle.FontSize = LabelFont;
            text.LabelStyle.ForeColor = Color.FromHex("#333333");
            text.LabelStyle.Alignment = Alignment.LowerLeft;
            var measured = text.LabelStyle.Measure(p.Label!, paint);
            var at = plot.GetPixel(new Coordinates(p.X, p.Y));
            var box = LabelPlacement.Place(placed, markers, plot.LastRender.DataRect, at, measured.Width, measured.Height);
            text.OffsetX = box.Left - at.X;
            text.OffsetY = box.Bottom - at.Y;
        }
    }

    private static IXAxis XAxis(Plot plot, Axis axis)
    {
        if (axis.Scale == AxisScale.Linear)
        {
            return plot.Axes.Bottom;
        }

        plot.Axes.Remove(plot.Axes.Bottom);
        var log = new LogBottomAxis();
        plot.Axes.AddBottomAxis(log);
        return log;
    }

    private static IYAxis YAxis(Plot plot, Axis axis)
    {
        if (axis.Scale == AxisScale.Linear)
        {
            return plot.Axes.Left;
        }

        plot.Axes.Remove(plot.Axes.Left);
        var log = new LogLeftAxis();
        plot.Axes.AddLeftAxis(log);
        return log;
    }

    private static void Style(IAxis axis, Axis model, TickSet ticks, (double Lo, double Hi) range)
    {
        var manual = new NumericManual();
        foreach (var t in ticks.Values)
        {
            manual.AddMajor(t, TickLabels.Format(t, model.Format, ticks.Decimals));
        }

        if (model.Scale == AxisScale.Log)
        {
            foreach (var minor in LogMinorTicks(range.Lo, range.Hi).Where(m => !ticks.Values.Any(t => Math.Abs(t - m) <= 1e-9 * m)))
            {
                manual.AddMinor(minor);
            }
        }

        axis.TickGenerator = manual;
        axis.Label.Text = model.Title;
        axis.Label.FontSize = AxisFont;
        axis.Label.FontName = PlotFonts.Family;
        axis.Label.Bold = false;
        axis.TickLabelStyle.FontSize = TickFont;
        axis.TickLabelStyle.FontName = PlotFonts.Family;
        axis.FrameLineStyle.Color = Color.FromHex(Palette.Axis);
        axis.MajorTickStyle.Color = Color.FromHex(Palette.Axis);
        axis.MinorTickStyle.Color = Color.FromHex(Palette.Axis);
    }

    /// <summary>2…9 × 10^k inside the range: the unlabelled ticks that show a log axis is one.</summary>
    public static ImmutableArray<double> LogMinorTicks(double lo, double hi)
    {
        var result = ImmutableArray.CreateBuilder<double>();
        for (var decade = Math.Floor(Math.Log10(lo)); decade <= Math.Ceiling(Math.Log10(hi)); decade++)
        {
            for (var m = 2; m <= 9; m++)
            {
                var v = m * Math.Pow(10, decade);
                if (v >= lo && v <= hi)
                {
                    result.Add(v);
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Share of the data's span left empty beyond it on each side, so no marker or error cap touches the frame.</summary>
    public const double Margin = 0.08;

    /// <summary>
    /// Ticks from the data, and the drawn range: the ticks' span widened so no point sits on the frame (an 8% margin
    /// beyond the data, in log space for log axes). Ticks are the axis's <see cref="Axis.Marks"/> where given, and
    /// never lie outside its <see cref="Axis.Min"/>..<see cref="Axis.Max"/> (no "-1 %" or "110 %"); the margin may
    /// reach past a bound, unlabelled.
    /// </summary>
    public static (TickSet Ticks, (double Lo, double Hi) Range) Ticks(Axis axis, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(axis);
        var list = values.Where(v => double.IsFinite(v) && (axis.Scale == AxisScale.Linear || v > 0)).ToList();
        if (list.Count == 0)
        {
            var empty = axis.Scale == AxisScale.Log ? NiceTicks.Log10(1, 10) : Bounded(NiceTicks.Linear(axis.Min ?? 0, axis.Max is { } m ? Math.Min(m, 1) : 1), axis);
            return (empty, (empty.Min, empty.Max));
        }

        var (lo, hi) = (list.Min(), list.Max());
        if (axis.Scale == AxisScale.Log)
        {
            var logTicks = axis.Marks.IsDefaultOrEmpty ? NiceTicks.Log10(lo, hi) : Marked(axis, lo, hi);
            var (a, b) = (Math.Log10(lo), Math.Log10(hi));
            var logPad = Math.Max(b - a, 0.3) * Margin;
            return (logTicks, (Math.Min(logTicks.Min, Math.Pow(10, a - logPad)), Math.Max(logTicks.Max, Math.Pow(10, b + logPad))));
        }

        var ticks = axis.Marks.IsDefaultOrEmpty ? Bounded(NiceTicks.Linear(lo, hi, 6), axis) : Marked(axis, lo, hi);
        var pad = Math.Max(hi - lo, ticks.Max - ticks.Min) * Margin; // a flat series still keeps its markers off the frame
        return (ticks, (Math.Min(ticks.Min, lo - pad), Math.Max(ticks.Max, hi + pad)));
    }

    /// <summary>Nice ticks cut to the axis's bounds (a flat series at 0 % gets 0..1, not -1..1).</summary>
    private static TickSet Bounded(TickSet ticks, Axis axis)
    {
        if (axis.Min is null && axis.Max is null)
        {
            return ticks;
        }

        var values = ticks.Values.Where(v => v >= (axis.Min ?? double.NegativeInfinity) - 1e-9 && v <= (axis.Max ?? double.PositiveInfinity) + 1e-9).ToImmutableArray();
        return ticks with { Min = values[0], Max = values[^1], Values = values };
    }

    /// <summary>The axis's own marks (e.g. the checkpoints' sample counts) as its ticks.</summary>
    private static TickSet Marked(Axis axis, double lo, double hi)
    {
        var values = axis.Marks.Where(double.IsFinite).Distinct().Order().ToImmutableArray();
        var decimals = values.Select(v => Math.Max(0, -(int)Math.Floor(Math.Log10(Math.Abs(v) is > 0 and var a ? a : 1)))).DefaultIfEmpty(0).Max();
        return new TickSet(Math.Min(values[0], lo), Math.Max(values[^1], hi), values, Math.Min(decimals, 6));
    }

    internal static LinePattern Pattern(string? dash)
    {
        if (dash is null)
        {
            return LinePattern.Solid;
        }

        var intervals = dash.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(d => float.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new LinePattern(intervals, 0, dash);
    }

    internal static ScottPlot.MarkerShape Shape(MarkerShape? shape) => shape switch
    {
        null => ScottPlot.MarkerShape.None,
        MarkerShape.Circle => ScottPlot.MarkerShape.FilledCircle,
        MarkerShape.Square => ScottPlot.MarkerShape.FilledSquare,
        MarkerShape.Triangle => ScottPlot.MarkerShape.FilledTriangleUp,
        _ => ScottPlot.MarkerShape.FilledDiamond,
    };
}
