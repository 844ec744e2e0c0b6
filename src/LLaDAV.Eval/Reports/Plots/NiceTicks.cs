using System.Collections.Immutable;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>An axis range and its tick values; <see cref="Decimals"/> is what the tick step needs.</summary>
public sealed record TickSet(double Min, double Max, ImmutableArray<double> Values, int Decimals);

/// <summary>
/// Tick values in 1-2-5 steps: Heckbert's "nice numbers" (Graphics Gems, 1990) for linear axes, and 1-2-5 per
/// decade (or whole decades when the range spans many) for log axes.
/// </summary>
public static class NiceTicks
{
    /// <summary>Heckbert's nice number: rounded (1, 2, 5, 10 × 10^k nearest) or the ceiling.</summary>
    public static double NiceNumber(double range, bool round)
    {
        var exponent = Math.Floor(Math.Log10(range));
        var fraction = range / Math.Pow(10, exponent);
        var nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }

    /// <summary>Ticks covering [min, max] with about <paramref name="targetTicks"/> values.</summary>
    public static TickSet Linear(double min, double max, int targetTicks = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTicks, 2);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException("Axis limits must be finite numbers.", nameof(min));
        }

        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            // A flat series still needs an axis: widen by a nice unit around the value.
            var pad = min == 0 ? 1 : NiceNumber(Math.Abs(min), false) / 10;
            (min, max) = (min - pad, max + pad);
        }

        var range = NiceNumber(max - min, false);
        var step = NiceNumber(range / (targetTicks - 1), true);
        var lo = Math.Floor(min / step) * step;
        var hi = Math.Ceiling(max / step) * step;
        var values = ImmutableArray.CreateBuilder<double>();
        for (var i = 0; lo + (i * step) <= hi + (step / 2); i++)
        {
            // Multiply rather than accumulate so 0.1 + 0.2 never shows as 0.30000000000000004.
            values.Add(Math.Round(lo + (i * step), 12));
        }

        return new TickSet(lo, hi, values.ToImmutable(), Math.Max(0, (int)-Math.Floor(Math.Log10(step))));
    }

    /// <summary>Log-scale ticks for positive [min, max]: 1, 2, 5 × 10^k when the range spans at most two decades, else 10^k.</summary>
    public static TickSet Log10(double min, double max)
    {
        if (min <= 0 || max <= 0 || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException("A log axis needs positive, finite limits.", nameof(min));
        }

        if (max < min)
        {
            (min, max) = (max, min);
        }

        var loExp = (int)Math.Floor(Math.Log10(min) + 1e-9);
        var hiExp = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (hiExp == loExp)
        {
            hiExp++;
        }

        var mantissas = hiExp - loExp <= 2 ? new[] { 1.0, 2.0, 5.0 } : [1.0];
        var all = new List<double>();
        for (var e = loExp; e <= hiExp; e++)
        {
            all.AddRange(mantissas.Select(m => m * Math.Pow(10, e)).Select(v => double.Parse(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Trim to the nice values that bracket the data: the largest tick ≤ min to the smallest tick ≥ max.
        var lo = all.Where(v => v <= min * (1 + 1e-9)).DefaultIfEmpty(all[0]).Max();
        var hi = all.Where(v => v >= max * (1 - 1e-9)).DefaultIfEmpty(all[^1]).Min();
        var values = all.Where(v => v >= lo && v <= hi).ToImmutableArray();
        return new TickSet(lo, hi, values, Math.Max(0, -loExp));
    }
}
