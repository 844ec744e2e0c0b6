using System.Collections.Immutable;

namespace LLaDAV.Eval.Reports.Compare;

/// <summary>A task's outcome.</summary>
public enum Verdict
{
    NoSignificantChange,
    Improved,
    Regressed,
}

/// <summary>
/// One task's paired comparison. Scores are per-sample means × 100 (percentage points) over the documents both
/// runs scored; <see cref="BaseMetric"/>/<see cref="NewMetric"/> are results.json's aggregated values for reference.
/// </summary>
public sealed record TaskComparison(
    string Task,
    string Metric,
    int Pairs,
    int Unaligned,
    double BaseScore,
    double NewScore,
    double? BaseMetric,
    double? NewMetric,
    Stats.BootstrapInterval Bootstrap,
    bool Binary,
    int RightToWrong,
    int WrongToRight,
    double PValue,
    double AdjustedPValue,
    Verdict Verdict,
    bool FailsGate)
{
    public double DeltaPoints => NewScore - BaseScore;

    /// <summary>The test behind <see cref="PValue"/>.</summary>
    public string Test => Binary ? "McNemar exact" : "paired bootstrap";
}

/// <summary>The whole comparison; <see cref="Failed"/> decides the exit code (1 = a significant regression beyond the allowed drop).</summary>
public sealed record ComparisonResult(string BasePath, string NewPath, string BaseLabel, string NewLabel, CompareOptions Options, ImmutableArray<TaskComparison> Tasks)
{
    public bool Failed => Tasks.Any(t => t.FailsGate);

    public string OverallText =>
        Failed ? $"FAILED: significant regression beyond {Options.MaxDrop.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} points in {string.Join(", ", Tasks.Where(t => t.FailsGate).Select(t => t.Task))}"
        : Tasks.Any(t => t.Verdict == Verdict.Regressed) ? "PASSED: significant regressions stay within the allowed drop"
        : Tasks.Any(t => t.Verdict == Verdict.Improved) ? "PASSED: improved, no significant regression"
        : "PASSED: no significant change";
}
