using System.Collections.Immutable;
using System.Globalization;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Running;

/// <summary><c>--shard K/N</c>: this process evaluates docs whose index i (after --limit) has i mod N == K (0-based).</summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    public bool Owns(int docIndex) => docIndex % Count == Index;

    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1 && k < n)
        {
            return new ShardSpec(k, n);
        }

        throw new ConfigException($"--shard '{text}' must be K/N with 0 <= K < N (0-based, as a Slurm array index or a Kubernetes completion index), e.g. --shard 0/4.");
    }

    public override string ToString() => FormattableString.Invariant($"{Index}/{Count}");
}

/// <summary>
/// The effective configuration of a run: eval.yaml defaults with command-line flags over them, built by
/// <see cref="RunSettings.ToConfig"/> from <see cref="RunSettingTable"/>. Everything that changes results is here, so
/// the manifest's copy decides whether a run can be resumed.
/// </summary>
public sealed record RunConfig
{
    public required ImmutableArray<string> Tasks { get; init; }

    public required string Model { get; init; }

    /// <summary><c>k=v,k=v</c> as given.</summary>
    public string ModelArgs { get; init; } = "";

    /// <summary><c>k=v,k=v</c> merged over every task's generation_kwargs.</summary>
    public string GenKwargs { get; init; } = "";

    public string? DataDir { get; init; }

    public double? Limit { get; init; }

    public long Seed { get; init; } = 1234;

    public string Device { get; init; } = "cpu";

    public int BatchSize { get; init; } = 1;

    public ShardSpec Shard { get; init; } = ShardSpec.Whole;

    public ScoringRules Scoring { get; init; } = ScoringRules.Current;

    /// <summary>Reasoning blocks removed before scoring; empty = none (docs/LMMS-EVAL.md §1.6 step 7, default on).</summary>
    public ImmutableArray<(string Open, string Close)> ReasoningTags { get; init; } = DefaultReasoningTags;

    public bool SkipMissingMedia { get; init; }

    /// <summary>Free-form run metadata (<c>--tag k=v</c>), e.g. <c>train_samples=3M</c> for scaling plots.</summary>
    public ImmutableSortedDictionary<string, string> RunTags { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public JudgeSettings? Judge { get; init; }

    /// <summary>
    /// The settings of <see cref="RunSettingTable"/> rows that have no property here (their row declares no
    /// <c>Read</c>/<c>Write</c>): read them with <see cref="Get{T}"/>.
    /// </summary>
    public ImmutableSortedDictionary<string, object?> Settings { get; init; } = ImmutableSortedDictionary.Create<string, object?>(StringComparer.Ordinal);

    /// <summary>The value of <paramref name="setting"/> in this configuration (its default when not set).</summary>
    public T Get<T>(RunSetting<T> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return setting.ValueIn(this);
    }

    public static ImmutableArray<(string, string)> DefaultReasoningTags { get; } = [("<think>", "</think>"), ("<analysis>", "</analysis>")];
}

/// <summary>An optional OpenAI-compatible judge endpoint (issue 4 item 4). The key is read from an environment variable.</summary>
public sealed record JudgeSettings(string Url, string Model, string? ApiKeyEnvironmentVariable)
{
    /// <summary>
    /// Per-request limit, attempts per prompt and breaker threshold (issue 14 §3). They bound how long a dead judge
    /// can hold a run but never change a verdict, so they are not part of the manifest's compared configuration
    /// and may differ on <c>--resume</c>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = Judging.JudgeOptions.DefaultTimeout;

    public int MaxAttempts { get; init; } = Judging.JudgeOptions.DefaultMaxAttempts;

    public int BreakerThreshold { get; init; } = Judging.JudgeOptions.DefaultBreakerThreshold;

    /// <summary>Where verdicts are cached; null = <see cref="Judging.JudgeOptions.DefaultCacheDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }
}
