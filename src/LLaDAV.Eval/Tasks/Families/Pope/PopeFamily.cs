using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Pope;

/// <summary>
/// POPE (<c>pope</c>, <c>pope_adv</c>, <c>pope_pop</c>, <c>pope_random</c>) hooks, ported from lmms-eval 75571cf
/// <c>tasks/pope/utils.py</c> (docs/LMMS-EVAL.md §2.16).
/// </summary>
public sealed class PopeFamily : ITaskFamily
{
    public static readonly IReadOnlyList<string> MetricNames = ["pope_accuracy", "pope_precision", "pope_recall", "pope_f1_score", "pope_yes_ratio"];

    public string Name => "pope";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("pope.doc_to_text", DocToText);
        hooks.AddDocToVisual("pope.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("pope.process_results", ProcessResults, [.. MetricNames]);
        hooks.AddAggregation("pope.aggregate_accuracy", (items, _) => AggregationResult.Of(Accuracy(items)));
        hooks.AddAggregation("pope.aggregate_precision", (items, _) => AggregationResult.Of(Precision(items)));
        hooks.AddAggregation("pope.aggregate_recall", (items, _) => AggregationResult.Of(Recall(items)));
        hooks.AddAggregation("pope.aggregate_f1_score", (items, _) => AggregationResult.Of(F1(items)));
        hooks.AddAggregation("pope.aggregate_yes_ratio", (items, _) => AggregationResult.Of(YesRatio(items)));
    }

    /// <summary>
    /// <c>pope_doc_to_text</c>: <c>question.strip()</c> + the post prompt. Upstream hard-codes
    /// "\nAnswer the question using a single word or phrase." and ignores the YAML kwargs; we read the same text
    /// from <c>post_prompt</c> (the YAML default) so per-model overrides such as <c>plm</c>'s take effect.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs) =>
        kwargs.GetString("pre_prompt") + PyStr.Strip(doc.RequireString("question")) + kwargs.GetString("post_prompt", "\nAnswer the question using a single word or phrase.");

    /// <summary>
    /// <c>pope_process_results</c>: <c>pred.lower().strip() == gold.lower().strip()</c>; no punctuation removal, so
    /// "Yes." is wrong (docs/LMMS-EVAL.md §2.16). Every metric gets the same record; the aggregations differ.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var pred = PyStr.Strip(PyStr.Lower(response));
        var gold = PyStr.Strip(PyStr.Lower(doc.RequireString("answer")));
        if (gold is not ("yes" or "no"))
        {
            // Upstream asserts gt_ans in ["yes", "no"].
            throw new InvalidDataException($"POPE row {doc.GetString("question_id")}: answer '{gold}' is not yes/no.");
        }

        var score = pred == gold ? 1.0 : 0.0;
        var extraction = pred is "yes" or "no"
            ? Extraction.Direct("pope.exact_match", pred)
            : new Extraction("pope.exact_match", ExtractionStatus.Unparseable, pred);
        var questionId = QuestionId(doc);
        return SampleScore.Of(extraction, [.. MetricNames.Select(m => (m, (JsonNode?)new JsonObject
        {
            ["question_id"] = questionId.DeepClone(),
            ["score"] = score,
            ["prediction"] = pred,
            ["ground_truth"] = gold,
        }))]);
    }

    private static JsonNode QuestionId(Doc doc) => doc["question_id"] switch
    {
        long l => JsonValue.Create(l),
        var other => JsonValue.Create(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture))!,
    };

    private static IEnumerable<(string Pred, string Gold, double Score)> Rows(IReadOnlyList<JsonNode?> items) =>
        items.OfType<JsonObject>().Select(o => ((string)o["prediction"]!, (string)o["ground_truth"]!, (double)o["score"]!));

    /// <summary><c>pope_aggregate_accuracy</c>: mean score.</summary>
    public static double? Accuracy(IReadOnlyList<JsonNode?> items)
    {
        var rows = Rows(items).ToList();
        return rows.Count == 0 ? null : rows.Sum(r => r.Score) / rows.Count;
    }

    /// <summary><c>pope_aggregate_precision</c>: TP/(TP+FP) with "yes" positive; 0 when nothing was predicted yes.</summary>
    public static double Precision(IReadOnlyList<JsonNode?> items)
    {
        int tp = 0, fp = 0;
        foreach (var (pred, gold, _) in Rows(items))
        {
            if (gold == "yes" && pred == "yes")
            {
                tp++;
            }
            else if (gold == "no" && pred == "yes")
            {
                fp++;
            }
        }

        return tp + fp > 0 ? (double)tp / (tp + fp) : 0;
    }

    /// <summary><c>pope_aggregate_recall</c>: TP/(TP+FN), where FN counts only a literal "no" on a "yes" gold.</summary>
    public static double Recall(IReadOnlyList<JsonNode?> items)
    {
        int tp = 0, fn = 0;
        foreach (var (pred, gold, _) in Rows(items))
        {
            if (gold == "yes" && pred == "yes")
            {
                tp++;
            }
            else if (gold == "yes" && pred == "no")
            {
                fn++;
            }
        }

        return tp + fn > 0 ? (double)tp / (tp + fn) : 0;
    }

    /// <summary><c>pope_aggregate_f1_score</c>: 2PR/(P+R), 0 when both are 0.</summary>
    public static double F1(IReadOnlyList<JsonNode?> items)
    {
        var p = Precision(items);
        var r = Recall(items);
        return p + r > 0 ? 2 * (p * r) / (p + r) : 0;
    }

    /// <summary><c>pope_aggregate_yes_ratio</c>: the share of "yes" among the GOLD answers (upstream quirk, §2.16).</summary>
    public static double YesRatio(IReadOnlyList<JsonNode?> items)
    {
        int yes = 0, no = 0;
        foreach (var (_, gold, _) in Rows(items))
        {
            if (gold == "yes")
            {
                yes++;
            }
            else if (gold == "no")
            {
                no++;
            }
        }

        return yes + no > 0 ? (double)yes / (yes + no) : 0;
    }
}
