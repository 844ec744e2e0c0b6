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

/// <summary>
/// An axis: its title (with the unit) and scale. <see cref="Min"/>/<see cref="Max"/> bound the values the quantity
/// can take (a percentage lies in 0..100): no tick is labelled outside them. <see cref="Marks"/>, when set, are the
/// labelled ticks (the paper marks its scaling curves at the checkpoints' 1M/3M/9M, not at 1-2-5 steps).
/// </summary>
public sealed record Axis(string Title, AxisScale Scale = AxisScale.Linear, TickFormat Format = TickFormat.Number, double? Min = null, double? Max = null, ImmutableArray<double> Marks = default)
{
    /// <summary>A score axis titled with its unit; "%" is bounded to 0..100 and "points" to 0 and above.</summary>
    public static Axis Score(string title, string unit) => unit switch
    {
        "%" => new Axis(title, Min: 0, Max: 100),
        "points" or "tokens/s" => new Axis(title, Min: 0),
        _ => new Axis(title),
    };
}

/// <summary>A data point; <see cref="YError"/> is a symmetric error bar (one standard error), <see cref="Label"/> is drawn beside it.</summary>
public sealed record PlotPoint(double X, double Y, double? YError = null, string? Label = null);

/// <summary>The look of a series: colour, marker, whether points are joined and dashed.</summary>
public sealed record SeriesStyle(string Color, MarkerShape? Marker, bool Connect = true, string? Dash = null)
{
    public static SeriesStyle ForIndex(int index) => new(Palette.Color(index), Palette.Marker(index));
}

/// <summary>A named series; the name appears in the legend when the series draws anything (<see cref="Draws"/>).</summary>
public sealed record PlotSeries(string Name, ImmutableArray<PlotPoint> Points, SeriesStyle Style)
{
    /// <summary>Whether anything shows: a marker for a point, or a line between two distinct points.</summary>
    public bool Draws => (Style.Marker is not null && !Points.IsEmpty) || (Style.Connect && Points.Select(p => (p.X, p.Y)).Distinct().Count() >= 2);
}

/// <summary>One panel of a figure (a small multiple).</summary>
public sealed record Panel(string Title, Axis X, Axis Y, ImmutableArray<PlotSeries> Series);

/// <summary>A figure: panels in a grid of <see cref="Columns"/> columns, one shared legend at the right, outside the data.</summary>
public sealed record Figure(string Title, ImmutableArray<Panel> Panels, int Columns, string? Note = null);
