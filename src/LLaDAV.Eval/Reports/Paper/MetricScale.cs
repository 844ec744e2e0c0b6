using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Reports.Paper;

/// <summary>
/// The unit a number is published or computed in. lmms-eval reports most accuracies as fractions while the paper
/// prints percentages (docs/LMMS-EVAL.md §2.0, "primary metric key · scale"); MME is a sum of points on both sides.
/// </summary>
public enum MetricScale
{
    /// <summary>0..1.</summary>
    Fraction,

    /// <summary>0..100.</summary>
    Percent,

    /// <summary>A score in points (MME: 0..2000 perception, 0..800 cognition).</summary>
    Points,

    /// <summary>Generated tokens per second (Table 8 throughput).</summary>
    TokensPerSecond,
}

/// <summary>Parsing and conversion of <see cref="MetricScale"/> values.</summary>
public static class MetricScales
{
    public static MetricScale Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fraction" => MetricScale.Fraction,
        "percent" => MetricScale.Percent,
        "points" => MetricScale.Points,
        "tokens/s" => MetricScale.TokensPerSecond,
        _ => throw new DataException($"Unknown metric scale '{text}'. Use fraction, percent, points or tokens/s."),
    };

    /// <summary>The factor that turns a value on <paramref name="from"/> into one on <paramref name="to"/>.</summary>
    public static double Factor(MetricScale from, MetricScale to) => (from, to) switch
    {
        _ when from == to => 1,
        (MetricScale.Fraction, MetricScale.Percent) => 100,
        (MetricScale.Percent, MetricScale.Fraction) => 0.01,
        _ => throw new DataException(string.Create(CultureInfo.InvariantCulture, $"Cannot convert a {from} value to {to}.")),
    };

    /// <summary>Axis and table unit text, e.g. "%" or "points".</summary>
    public static string Unit(MetricScale scale) => scale switch
    {
        MetricScale.Fraction => "fraction",
        MetricScale.Percent => "%",
        MetricScale.Points => "points",
        _ => "tokens/s",
    };
}
