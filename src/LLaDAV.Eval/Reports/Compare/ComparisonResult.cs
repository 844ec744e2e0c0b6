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
/// <see cref="Lower"/>..<see cref="Upper"/> is the interval of the same test that gives <see cref="PValue"/>, at the
/// Bonferroni level 1 − α/m, so the verdict (the interval excludes 0) and <see cref="AdjustedPValue"/> &lt; α agree.
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
    double Lower,
    double Upper,
    double Confidence,
    bool Binary,
    int RightToWrong,
    int WrongToRight,
    double PValue,
    double AdjustedPValue,
    Verdict Verdict,
    bool FailsGate)
{
    public double DeltaPoints => NewScore - BaseScore;

    /// <summary>The test behind <see cref="PValue"/> and the interval.</summary>
    public string Test => Binary ? "McNemar exact" : "paired bootstrap";

    /// <summary>Whether the interval excludes 0: the one decision the verdict is made of.</summary>
    public bool Significant => Lower > 0 || Upper < 0;
}

/// <summary>The whole comparison; <see cref="Failed"/> decides the exit code (1 = a significant regression beyond the allowed drop).</summary>
/// <see cref="OnlyInBase"/>/<see cref="OnlyInNew"/>: tasks one run has and the other lacks, so not compared (and said so).
/// <see cref="SampleTasks"/>: compared tasks that either run scored on the embedded sample data.
public sealed record ComparisonResult(string BasePath, string NewPath, string BaseLabel, string NewLabel, CompareOptions Options, ImmutableArray<TaskComparison> Tasks,
    ImmutableArray<string> OnlyInBase, ImmutableArray<string> OnlyInNew, ImmutableArray<string> SampleTasks)
{
    public bool Failed => Tasks.Any(t => t.FailsGate);

    public string OverallText =>
        Failed ? $"FAILED: significant regression beyond {Options.MaxDrop.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} points in {string.Join(", ", Tasks.Where(t => t.FailsGate).Select(t => t.Task))}"
        : Tasks.Any(t => t.Verdict == Verdict.Regressed) ? "PASSED: significant regressions stay within the allowed drop"
        : Tasks.Any(t => t.Verdict == Verdict.Improved) ? "PASSED: improved, no significant regression"
        : "PASSED: no significant change";
}
