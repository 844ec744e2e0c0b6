using LLaDAV.Eval.Reports.Svg;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// Draws a <see cref="Figure"/> as SVG: panels of 4:3 plot areas with nice ticks, light grid, axis titles with
/// units, error bars with caps, lines, markers and point labels; one legend to the right of all panels so it never
/// covers data.
/// </summary>
public static class FigureRenderer
{
    public const double PanelWidth = 400;
    public const double PanelHeight = 320;
    private const double TitleHeight = 40;
    private const double NoteHeight = 22;
    private const double MarginLeft = 70;
    private const double MarginRight = 18;
    private const double MarginTop = 34;
    private const double MarginBottom = 56;
    private const double TickFont = 12;
    private const double AxisFont = 13;
    private const double LegendFont = 13;

    public static string Render(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (figure.Panels.IsEmpty)
        {
            throw new ArgumentException("A figure needs at least one panel.", nameof(figure));
        }

        var columns = Math.Clamp(figure.Columns, 1, figure.Panels.Length);
        var rows = (figure.Panels.Length + columns - 1) / columns;
        var legend = figure.Panels.SelectMany(p => p.Series).GroupBy(s => s.Name).Select(g => g.First()).ToList();
        var legendWidth = legend.Count == 0 ? 0 : 56 + legend.Max(s => SvgCanvas.TextWidth(s.Name, LegendFont));
        var noteHeight = figure.Note is null ? 0 : NoteHeight;
        var canvas = new SvgCanvas((columns * PanelWidth) + legendWidth + 10, TitleHeight + (rows * PanelHeight) + noteHeight + 6, figure.Title);
        canvas.Text(16, 26, figure.Title, 17, bold: true);
        for (var i = 0; i < figure.Panels.Length; i++)
        {
            DrawPanel(canvas, figure.Panels[i], (i % columns) * PanelWidth, TitleHeight + ((i / columns) * PanelHeight));
        }

        var lx = (columns * PanelWidth) + 6;
        var ly = TitleHeight + MarginTop + 6;
        foreach (var series in legend)
        {
            DrawLegendEntry(canvas, series, lx, ly);
            ly += 22;
        }

        if (figure.Note is not null)
        {
            canvas.Text(16, TitleHeight + (rows * PanelHeight) + 14, figure.Note, 11, fill: "#555555");
        }

        return canvas.ToString();
    }

    private static void DrawLegendEntry(SvgCanvas canvas, PlotSeries series, double x, double y)
    {
        if (series.Style.Connect)
        {
            canvas.Line(x, y, x + 30, y, series.Style.Color, 2, series.Style.Dash);
        }

        if (series.Style.Marker is { } marker)
        {
            canvas.Marker(marker, x + 15, y, 9, series.Style.Color);
        }

        canvas.Text(x + 38, y + 4.5, series.Name, LegendFont);
    }

    private static void DrawPanel(SvgCanvas canvas, Panel panel, double ox, double oy)
    {
        var px = ox + MarginLeft;
        var py = oy + MarginTop;
        var pw = PanelWidth - MarginLeft - MarginRight;
        var ph = PanelHeight - MarginTop - MarginBottom;
        canvas.Text(ox + MarginLeft + (pw / 2), oy + 22, panel.Title, 14, TextAnchor.Middle, bold: true);

        var points = panel.Series.SelectMany(s => s.Points).ToList();
        var (xs, xRange) = Ticks(panel.X, points.Select(p => p.X));
        var (ys, yRange) = Ticks(panel.Y, points.SelectMany(p => new[] { p.Y - (p.YError ?? 0), p.Y + (p.YError ?? 0) }));
        double MapX(double v) => px + (pw * Fraction(panel.X.Scale, xRange, v));
        double MapY(double v) => py + ph - (ph * Fraction(panel.Y.Scale, yRange, v));
        var labels = new List<(double X, double Y, double W)>();
        var markers = panel.Series.Where(s => s.Style.Marker is not null).SelectMany(s => s.Points).Select(p => (MapX(p.X), MapY(p.Y))).ToList();

        foreach (var t in xs.Values)
        {
            canvas.Line(MapX(t), py, MapX(t), py + ph, Palette.Grid);
            canvas.Line(MapX(t), py + ph, MapX(t), py + ph + 5, Palette.Axis);
            canvas.Text(MapX(t), py + ph + 19, TickLabels.Format(t, panel.X.Format, xs.Decimals), TickFont, TextAnchor.Middle);
        }

        foreach (var t in ys.Values)
        {
            canvas.Line(px, MapY(t), px + pw, MapY(t), Palette.Grid);
            canvas.Line(px - 5, MapY(t), px, MapY(t), Palette.Axis);
            canvas.Text(px - 8, MapY(t) + 4, TickLabels.Format(t, panel.Y.Format, ys.Decimals), TickFont, TextAnchor.End);
        }

        canvas.Rect(px, py, pw, ph, "none", Palette.Axis);
        canvas.Text(px + (pw / 2), py + ph + 42, panel.X.Title, AxisFont, TextAnchor.Middle);
        canvas.Text(ox + 18, py + (ph / 2), panel.Y.Title, AxisFont, TextAnchor.Middle, rotate: -90);

        foreach (var series in panel.Series)
        {
            var ordered = series.Points.OrderBy(p => p.X).ToList();
            foreach (var p in ordered.Where(p => p.YError is > 0))
            {
                var (x, top, bottom) = (MapX(p.X), MapY(p.Y + p.YError!.Value), MapY(p.Y - p.YError!.Value));
                canvas.Line(x, top, x, bottom, series.Style.Color, 1.5);
                canvas.Line(x - 4, top, x + 4, top, series.Style.Color, 1.5);
                canvas.Line(x - 4, bottom, x + 4, bottom, series.Style.Color, 1.5);
            }

            if (series.Style.Connect)
            {
                canvas.Polyline([.. ordered.Select(p => (MapX(p.X), MapY(p.Y)))], series.Style.Color, 2, series.Style.Dash);
            }

            foreach (var p in ordered)
            {
                if (series.Style.Marker is { } marker)
                {
                    canvas.Marker(marker, MapX(p.X), MapY(p.Y), 9, series.Style.Color);
                }

                // Lines without markers (e.g. a frontier through labelled points) do not repeat the labels.
                if (p.Label is not null && series.Style.Marker is not null)
                {
                    var (lx, ly) = PlaceLabel(labels, markers, MapX(p.X), MapY(p.Y), SvgCanvas.TextWidth(p.Label, 11));
                    canvas.Text(lx, ly, p.Label, 11, fill: "#333333");
                }
            }
        }
    }

    /// <summary>
    /// Ticks from the data, and the drawn range: the ticks' span widened so no point sits on the frame (a 5% margin
    /// beyond the data, in log space for log axes, as matplotlib's default margins).
    /// </summary>
    private static (TickSet Ticks, (double Lo, double Hi) Range) Ticks(Axis axis, IEnumerable<double> values)
    {
        var list = values.Where(v => double.IsFinite(v) && (axis.Scale == AxisScale.Linear || v > 0)).ToList();
        if (list.Count == 0)
        {
            var empty = NiceTicks.Linear(0, 1);
            return (empty, (empty.Min, empty.Max));
        }

        if (axis.Scale == AxisScale.Log)
        {
            var logTicks = NiceTicks.Log10(list.Min(), list.Max());
            var (a, b) = (Math.Log10(list.Min()), Math.Log10(list.Max()));
            var logPad = Math.Max(b - a, 0.3) * 0.05;
            return (logTicks, (Math.Min(logTicks.Min, Math.Pow(10, a - logPad)), Math.Max(logTicks.Max, Math.Pow(10, b + logPad))));
        }

        var ticks = NiceTicks.Linear(list.Min(), list.Max(), 6);
        var pad = (list.Max() - list.Min()) * 0.05;
        return (ticks, (Math.Min(ticks.Min, list.Min() - pad), Math.Max(ticks.Max, list.Max() + pad)));
    }

    /// <summary>
    /// Puts a point label above-right, else below-right, above-left or below-left: the first spot that overlaps
    /// neither an earlier label nor another marker (label box: baseline − 10 to baseline + 2).
    /// </summary>
    private static (double X, double Y) PlaceLabel(List<(double X, double Y, double W)> placed, List<(double X, double Y)> markers, double x, double y, double width)
    {
        (double X, double Y)[] candidates = [(x + 6, y - 7), (x + 6, y + 15), (x - 6 - width, y - 7), (x - 6 - width, y + 15)];
        foreach (var (cx, cy) in candidates)
        {
            var hitsMarker = markers.Any(m => (m.X != x || m.Y != y) && m.X + 5 > cx && m.X - 5 < cx + width && m.Y + 5 > cy - 10 && m.Y - 5 < cy + 2);
            if (!hitsMarker && !placed.Any(b => cx < b.X + b.W && b.X < cx + width && Math.Abs(cy - b.Y) < 12))
            {
                placed.Add((cx, cy, width));
                return (cx, cy);
            }
        }

        placed.Add((candidates[0].X, candidates[0].Y, width));
        return candidates[0];
    }

    private static double Fraction(AxisScale scale, (double Lo, double Hi) range, double v) => scale == AxisScale.Log
        ? (Math.Log10(v) - Math.Log10(range.Lo)) / (Math.Log10(range.Hi) - Math.Log10(range.Lo))
        : (v - range.Lo) / (range.Hi - range.Lo);
}
