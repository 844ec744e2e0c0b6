using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Ocrbench;

/// <summary>OCRBench (<c>ocrbench</c>) hooks, ported from lmms-eval 75571cf <c>tasks/ocrbench/utils.py</c> (docs/LMMS-EVAL.md §2.17).</summary>
public sealed class OcrbenchFamily : ITaskFamily
{
    public const string Metric = "ocrbench_accuracy";

    /// <summary>OCRBench's fixed size: the aggregation divides by it whatever the number of scored docs (upstream quirk).</summary>
    public const double Denominator = 1000.0;

    /// <summary>The six question types summed as "Text Recognition" (Total 300) in ocrbench_results.txt.</summary>
    public static readonly IReadOnlyList<string> RecognitionTypes =
    [
        "Regular Text Recognition", "Irregular Text Recognition", "Artistic Text Recognition", "Handwriting Recognition",
        "Digit String Recognition", "Non-Semantic Text Recognition",
    ];

    /// <summary>The ten question types of the module-level <c>OCRBench_score</c> table, in its order.</summary>
    public static readonly IReadOnlyList<string> QuestionTypes =
    [
        .. RecognitionTypes, "Scene Text-centric VQA", "Doc-oriented VQA", "Key Information Extraction",
        "Handwritten Mathematical Expression Recognition",
    ];

    public string Name => "ocrbench";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("ocrbench.doc_to_text", (doc, _) => PyStr.Strip(doc.RequireString("question")));
        hooks.AddDocToVisual("ocrbench.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("ocrbench.process_results", ProcessResults, Metric);
        hooks.AddAggregation("ocrbench.aggregate_accuracy", (items, _) => Aggregate(items));
    }

    /// <summary>
    /// <c>ocrbench_process_results</c>: <c>pred = results[0].strip()</c>; score 1 if any gold is a substring of the
    /// prediction after the dataset's normalisation (<see cref="Matches"/>).
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var pred = PyStr.Strip(response);
        var golds = Golds(doc);
        var isHme = doc.RequireString("dataset") == "HME100k";
        var score = golds.Any(g => Matches(g, pred, isHme)) ? 1 : 0;
        var rule = isHme ? "ocrbench.substring_hme100k" : "ocrbench.substring";
        var extraction = new Extraction(rule, pred.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, pred);
        var goldNode = doc["answer"] is IReadOnlyList<object?>
            ? (JsonNode)new JsonArray([.. golds.Select(g => (JsonNode?)JsonValue.Create(g))])
            : JsonValue.Create(golds[0]);
        return SampleScore.Of(extraction, (Metric, new JsonObject
        {
            ["question_type"] = doc.RequireString("question_type"),
            ["score"] = score,
            ["prediction"] = pred,
            ["ground_truth"] = goldNode,
        }));
    }

    /// <summary>
    /// HME100k (handwritten LaTeX): gold and prediction lose every "\n" and space (<c>.strip().replace("\n", " ")
    /// .replace(" ", "")</c>) and are compared case-sensitively. Other datasets: full-width ASCII folded to ASCII, then
    /// <c>.lower().strip()</c> and "\n" → " " on both. Either way the gold must occur in the prediction. (lmms-eval
    /// before the full-width folding lower-cased the prediction up front, so an HME100k gold with capitals could never
    /// match; docs/LMMS-EVAL.md §2.17 describes HEAD, which compares HME100k as written.)
    /// </summary>
    public static bool Matches(string gold, string pred, bool isHme)
    {
        if (isHme)
        {
            var answer = PyStr.Strip(gold).Replace("\n", " ", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            var predict = PyStr.Strip(pred).Replace("\n", " ", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            return predict.Contains(answer, StringComparison.Ordinal);
        }

        var a = PyStr.Strip(PyStr.Lower(FoldFullWidth(gold))).Replace("\n", " ", StringComparison.Ordinal);
        var p = PyStr.Strip(PyStr.Lower(FoldFullWidth(pred))).Replace("\n", " ", StringComparison.Ordinal);
        return p.Contains(a, StringComparison.Ordinal);
    }

    /// <summary>Full-width ASCII U+FF01–U+FF5E → U+0021–U+007E (minus 0xFEE0) and the ideographic space U+3000 → ' '.</summary>
    public static string FoldFullWidth(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        }

        return sb.ToString();
    }

    /// <summary>
    /// <c>ocrbench_aggregate_accuracy</c>: points summed per question type, the total over all ten types divided by
    /// the fixed 1000. Upstream accumulates into a module-global dict (a second aggregation in one process would
    /// double-count); here each call starts from zero. The per-type totals and "Text Recognition" of
    /// ocrbench_results.txt go into the breakdown.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var points = QuestionTypes.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var type = (string)item["question_type"]!;
            if (!points.ContainsKey(type))
            {
                // Upstream: KeyError on an unknown question type.
                throw new InvalidDataException($"ocrbench: question_type '{type}' is not one of OCRBench's ten types ({string.Join(", ", QuestionTypes)}).");
            }

            points[type] += (int)item["score"]!;
        }

        var recognition = RecognitionTypes.Sum(t => points[t]);
        var final = points.Values.Sum();
        var breakdown = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
        breakdown.Add(KeyValuePair.Create("Text Recognition", (double)recognition));
        breakdown.AddRange(QuestionTypes.Select(t => KeyValuePair.Create(t, (double)points[t])));
        breakdown.Add(KeyValuePair.Create("Final Score", (double)final));
        return new AggregationResult(final / Denominator, breakdown.ToImmutable());
    }

    private static IReadOnlyList<string> Golds(Doc doc) => doc["answer"] switch
    {
        IReadOnlyList<object?> list => [.. list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "")],
        _ => [doc.RequireString("answer")],
    };
}
