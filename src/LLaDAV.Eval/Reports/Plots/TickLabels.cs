using System.Globalization;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>Culture-invariant tick labels.</summary>
public static class TickLabels
{
    public static string Format(double value, TickFormat format, int decimals) => format switch
    {
        TickFormat.Count => Count(value),
        _ => value.ToString("F" + Math.Clamp(decimals, 0, 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    };

    /// <summary>1500 → 1.5K, 3000000 → 3M, 2e9 → 2B (the suffixes <c>--tag train_samples</c> accepts).</summary>
    public static string Count(double value)
    {
        var (scaled, suffix) = Math.Abs(value) switch
        {
            >= 1e9 => (value / 1e9, "B"),
            >= 1e6 => (value / 1e6, "M"),
            >= 1e3 => (value / 1e3, "K"),
            _ => (value, ""),
        };
        return scaled.ToString("0.##", CultureInfo.InvariantCulture) + suffix;
    }
}
