using System.Globalization;

namespace LLaDAV.Eval.Scaling;

/// <summary>
/// The one way a remaining time is written, by the run verb's progress (bars and log lines) and by launch: m:ss
/// under an hour, h:mm:ss from an hour on, "-" when nothing has finished yet to estimate from.
/// </summary>
public static class EtaText
{
    public const string Unknown = "-";

    public static string Format(double? seconds) => seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s) || s < 0
        ? Unknown
        : TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3599.5 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
