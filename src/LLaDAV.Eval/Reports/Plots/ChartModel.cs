using System.Collections.Immutable;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>Marker shapes, cycled with the colours so series differ in more than hue.</summary>
public enum MarkerShape
{
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// <summary>How an axis maps values.</summary>
public enum AxisScale
{
    Linear,
    Log,
}

/// <summary>How tick labels are written: plain numbers, or counts with K/M/B suffixes (1M, 2.5M).</summary>
public enum TickFormat
{
    Number,
    Count,
}

/// <summary>An axis: its title (with the unit) and scale.</summary>
public sealed record Axis(string Title, AxisScale Scale = AxisScale.Linear, TickFormat Format = TickFormat.Number);

/// <summary>A data point; <see cref="YError"/> is a symmetric error bar (one standard error), <see cref="Label"/> is drawn beside it.</summary>
public sealed record PlotPoint(double X, double Y, double? YError = null, string? Label = null);

/// <summary>The look of a series: colour, marker, whether points are joined and dashed.</summary>
public sealed record SeriesStyle(string Color, MarkerShape? Marker, bool Connect = true, string? Dash = null)
{
    public static SeriesStyle ForIndex(int index) => new(Palette.Color(index), Palette.Marker(index));
}

/// <summary>A named series; the name appears in the legend.</summary>
public sealed record PlotSeries(string Name, ImmutableArray<PlotPoint> Points, SeriesStyle Style);

/// <summary>One panel of a figure (a small multiple).</summary>
public sealed record Panel(string Title, Axis X, Axis Y, ImmutableArray<PlotSeries> Series);

/// <summary>A figure: panels in a grid of <see cref="Columns"/> columns, one shared legend at the right, outside the data.</summary>
public sealed record Figure(string Title, ImmutableArray<Panel> Panels, int Columns, string? Note = null);
