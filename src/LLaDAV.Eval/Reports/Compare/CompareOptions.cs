namespace LLaDAV.Eval.Reports.Compare;

/// <summary>
/// How <c>lladav-eval compare</c> decides. <see cref="MaxDrop"/> is in percentage points of the task's score
/// (per-sample mean × 100); a task fails the gate only if its drop is both significant (its Bonferroni interval at
/// 1 − <see cref="Alpha"/>/m excludes 0) and larger than that.
/// </summary>
public sealed record CompareOptions
{
    public IReadOnlyList<string>? Tasks { get; init; }

    public double MaxDrop { get; init; } = 1.0;

    public double Alpha { get; init; } = 0.05;

    public int BootstrapIterations { get; init; } = 10_000;

    public int Seed { get; init; } = 1234;
}
