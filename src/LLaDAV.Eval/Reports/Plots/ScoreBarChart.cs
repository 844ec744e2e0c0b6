using System.Collections.Immutable;
using LLaDAV.Eval.Reports.Svg;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>One bar: a task's score and, where the paper reports it, the paper's value (drawn as a grey tick).</summary>
public sealed record ScoreBar(string Label, double Value, double? Stderr, double? Paper);

/// <summary>
/// A horizontal bar chart of one run's primary scores on one unit (e.g. %), with error bars and the paper's values
/// as reference ticks; for the run report.
/// </summary>
public static class ScoreBarChart
{
    public static string Render(string title, string unit, ImmutableArray<ScoreBar> bars)
    {
        ArgumentNullException.ThrowIfNull(title);
        const double rowHeight = 30, top = 48, plotWidth = 420, tickFont = 12;
        var labelWidth = 24 + (bars.IsEmpty ? 60 : 1.1 * bars.Max(b => SvgCanvas.TextWidth(b.Label, 13)));
        var legendWidth = 150;
        var max = bars.SelectMany(b => new[] { b.Value + (b.Stderr ?? 0), b.Paper ?? 0 }).DefaultIfEmpty(1).Max();
        var ticks = NiceTicks.Linear(0, Math.Max(max, 1e-9), 6);
        var height = top + (Math.Max(1, bars.Length) * rowHeight) + 56;
        var canvas = new SvgCanvas(labelWidth + plotWidth + legendWidth + 30, height, title);
        canvas.Text(16, 26, title, 17, bold: true);
        double MapX(double v) => labelWidth + (plotWidth * (v - ticks.Min) / (ticks.Max - ticks.Min));
        var plotBottom = top + (bars.Length * rowHeight);
        foreach (var t in ticks.Values)
        {
            canvas.Line(MapX(t), top, MapX(t), plotBottom, Palette.Grid);
            canvas.Text(MapX(t), plotBottom + 18, TickLabels.Format(t, TickFormat.Number, ticks.Decimals), tickFont, TextAnchor.Middle);
        }

        canvas.Line(labelWidth, top, labelWidth, plotBottom, Palette.Axis);
        canvas.Line(labelWidth, plotBottom, labelWidth + plotWidth, plotBottom, Palette.Axis);
        canvas.Text(labelWidth + (plotWidth / 2), plotBottom + 40, $"score ({unit})", 13, TextAnchor.Middle);
        for (var i = 0; i < bars.Length; i++)
        {
            var b = bars[i];
            var y = top + (i * rowHeight);
            canvas.Text(labelWidth - 8, y + (rowHeight / 2) + 4, b.Label, 13, TextAnchor.End);
            canvas.Rect(labelWidth, y + 6, MapX(b.Value) - labelWidth, rowHeight - 12, Palette.Color(0));
            if (b.Stderr is > 0 and var se)
            {
                canvas.Line(MapX(b.Value - se), y + (rowHeight / 2), MapX(b.Value + se), y + (rowHeight / 2), Palette.Axis, 1.5);
            }

            if (b.Paper is { } p)
            {
                canvas.Line(MapX(p), y + 2, MapX(p), y + rowHeight - 2, Palette.Reference, 3);
            }
        }

        var lx = labelWidth + plotWidth + 16;
        canvas.Rect(lx, top + 2, 22, 12, Palette.Color(0));
        canvas.Text(lx + 30, top + 12, "this run", 13);
        canvas.Line(lx + 11, top + 22, lx + 11, top + 38, Palette.Reference, 3);
        canvas.Text(lx + 30, top + 34, "paper", 13);
        return canvas.ToString();
    }
}
