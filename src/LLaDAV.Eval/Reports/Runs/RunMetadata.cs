using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Reports.Runs;

/// <summary>
/// What plots read from a run's metadata: the checkpoint's training-set size (<c>--tag train_samples=3M</c>), the
/// model family (<c>--tag family=...</c> or the model name) and the generation setting swept (refresh interval).
/// </summary>
public static class RunMetadata
{
    public const string TrainSamplesTag = "train_samples";
    public const string FamilyTag = "family";
    public const string RefreshIntervalKey = "refresh_interval";

    /// <summary>
    /// A count with an optional K/M/B suffix (thousand, million, billion; case-insensitive): "3M" → 3,000,000,
    /// "558K" → 558,000, "1.5B" → 1.5e9, "9000000" → 9e6.
    /// </summary>
    public static double ParseCount(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        var factor = t.Length == 0 ? 1 : char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 1e3,
            'M' => 1e6,
            'B' => 1e9,
            _ => 1,
        };
        var number = factor == 1 ? t : t[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
        {
            throw new DataException($"'{text}' is not a sample count. Write a number with an optional K, M or B suffix, e.g. --tag train_samples=3M.");
        }

        return value * factor;
    }

    /// <summary>The run's training samples from <c>--tag train_samples=...</c>; a data error naming the tag if absent.</summary>
    public static double TrainSamples(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Tags.TryGetValue(TrainSamplesTag, out var text)
            ? ParseCount(text)
            : throw new DataException($"Run {run.Path} has no '{TrainSamplesTag}' tag. Record the checkpoint's training-set size with 'lladav-eval run ... --tag {TrainSamplesTag}=3M'.");
    }

    /// <summary>The model family: <c>--tag family=...</c>, else derived from the model name (lladav → LLaDA-V, llama3v → LLaMA3-V).</summary>
    public static string Family(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Tags.GetValueOrDefault(FamilyTag) ?? FamilyOfModel(run.Model);
    }

    public static string FamilyOfModel(string model)
    {
        var m = model.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return m.Contains("llada", StringComparison.Ordinal) ? "LLaDA-V"
            : m.Contains("llama3", StringComparison.Ordinal) ? "LLaMA3-V"
            : model;
    }

    /// <summary>A generation setting of the run: <c>--gen-kwargs key=...</c>, else <c>--tag key=...</c>.</summary>
    public static string? Setting(RunDirectory run, string key)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.GenKwargs.GetValueOrDefault(key) ?? run.Tags.GetValueOrDefault(key);
    }
}
