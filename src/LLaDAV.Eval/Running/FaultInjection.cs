using System.Diagnostics;
using System.Globalization;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Seeded crash points for the fault-injection campaign (issue 14 §5). Every durable step of a run (before, in the
/// middle of and after each journal record; before and after each temp-file write and rename of the result files) is
/// a numbered point; with <see cref="KillAtVariable"/> = K the process SIGKILLs itself at point K, as abruptly as
/// <c>kill -9</c> (no finally blocks, no flushing). The campaign picks K at random (seeded) in [1, points of a run],
/// which it learns from <see cref="CountFileVariable"/>. Unset variables cost one read per process.
/// </summary>
public static class FaultInjection
{
    /// <summary>Kill the process at this 1-based point.</summary>
    public const string KillAtVariable = "LLADAV_EVAL_FAULT_AT_POINT";

    /// <summary>Write the number of points reached so far to this file (the campaign's clean run measures a run).</summary>
    public const string CountFileVariable = "LLADAV_EVAL_FAULT_COUNT_FILE";

    private static readonly long s_killAt = long.TryParse(Environment.GetEnvironmentVariable(KillAtVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : 0;
    private static readonly string? s_countFile = Environment.GetEnvironmentVariable(CountFileVariable) is { Length: > 0 } f ? f : null;
    private static long s_points;

    /// <summary>True when a campaign is active (so callers may split a write to expose a torn state).</summary>
    public static bool Active => s_killAt > 0 || s_countFile is not null;

    /// <summary>One crash point.</summary>
    public static void Point()
    {
        if (!Active)
        {
            return;
        }

        var n = Interlocked.Increment(ref s_points);
        if (s_countFile is not null)
        {
            File.WriteAllText(s_countFile, n.ToString(CultureInfo.InvariantCulture));
        }

        if (n == s_killAt)
        {
            Process.GetCurrentProcess().Kill();
        }
    }
}
