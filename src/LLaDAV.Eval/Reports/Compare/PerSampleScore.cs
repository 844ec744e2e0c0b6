using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Families.Mmmu;

namespace LLaDAV.Eval.Reports.Compare;

/// <summary>Reads one sample's score out of the value <c>process_results</c> stored under a metric's name.</summary>
public interface IPerSampleScorer
{
    /// <summary>The score, or null when this rule does not apply to the value's shape.</summary>
    double? TryScore(JsonNode? value);
}

/// <summary>
/// Per-sample scores for paired comparisons. Aggregation hooks (MMMU, MMStar) store dicts, not numbers, in the
/// samples file, so each metric gets a rule: a task-specific one where registered (MMMU's <c>mmmu_acc</c>
/// {answer, parsed_pred, question_type} is scored with eval_multi_choice / eval_open, docs/LMMS-EVAL.md §1.14), else
/// the fallback chain: a number as is → a boolean as 1/0 → a dict's numeric <c>score</c> (MMStar, MME) → a dict's
/// <c>parsed_pred</c> equal to its <c>answer</c> (or one of a list of answers) → otherwise a data error naming the value.
/// </summary>
public static class PerSampleScore
{
    private static readonly ImmutableDictionary<string, IPerSampleScorer> s_byMetric = new Dictionary<string, IPerSampleScorer>
    {
        ["mmmu_acc"] = new MmmuAccuracyScorer(),
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private static readonly IPerSampleScorer[] s_fallbacks = [new NumberScorer(), new ScoreFieldScorer(), new AnswerMatchScorer()];

    /// <summary>The score of <paramref name="value"/> stored under <paramref name="metric"/> of <paramref name="task"/>.</summary>
    public static double Score(string task, string metric, JsonNode? value)
    {
        if (s_byMetric.TryGetValue(metric, out var specific) && specific.TryScore(value) is { } s)
        {
            return s;
        }

        foreach (var rule in s_fallbacks)
        {
            if (rule.TryScore(value) is { } f)
            {
                return f;
            }
        }

        var shown = value?.ToJsonString() ?? "null";
        throw new DataException(
            $"Cannot derive a per-sample score for task '{task}' metric '{metric}' from {(shown.Length > 120 ? shown[..120] + "..." : shown)}: " +
            "expected a number, a boolean, a dict with a numeric 'score', or a dict with 'answer' and 'parsed_pred'.");
    }

    private sealed class NumberScorer : IPerSampleScorer
    {
        public double? TryScore(JsonNode? value) => value switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.True => 1,
            JsonValue v when v.GetValueKind() == JsonValueKind.False => 0,
            _ => null,
        };
    }

    private sealed class ScoreFieldScorer : IPerSampleScorer
    {
        public double? TryScore(JsonNode? value) =>
            value is JsonObject o && o["score"] is JsonValue v && v.GetValueKind() is JsonValueKind.Number ? v.GetValue<double>() : null;
    }

    private sealed class AnswerMatchScorer : IPerSampleScorer
    {
        public double? TryScore(JsonNode? value)
        {
            if (value is not JsonObject o || !o.ContainsKey("answer") || !o.ContainsKey("parsed_pred"))
            {
                return null;
            }

            var pred = o["parsed_pred"]?.ToString();
            var golds = o["answer"] is JsonArray list ? list.Select(g => g?.ToString()) : [o["answer"]?.ToString()];
            return golds.Contains(pred, StringComparer.Ordinal) ? 1 : 0;
        }
    }

    /// <summary>MMMU (and MMMU-Pro) <c>mmmu_acc</c>: eval_multi_choice for multiple-choice, eval_open for open questions.</summary>
    private sealed class MmmuAccuracyScorer : IPerSampleScorer
    {
        public double? TryScore(JsonNode? value)
        {
            if (value is not JsonObject o || o["parsed_pred"] is null || o["answer"] is null)
            {
                return null;
            }

            // The aggregation's own rule (evaluate_mmmu), so a paired test counts exactly the docs the score counted,
            // under whichever rule set wrote parsed_pred (MmmuFamily.IsCorrect).
            return MmmuFamily.IsCorrect(o) ? 1 : 0;
        }
    }
}
