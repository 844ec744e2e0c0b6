using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mmbench;

/// <summary>
/// <c>mmbench_en_test</c> (no answers): lmms-eval 75571cf <c>tasks/mmbench/en_utils.py</c>
/// <c>mmbench_process_results</c>'s <c>submission</c> dict and <c>mmbench_aggregate_test_results</c>, which writes
/// <c>pd.DataFrame(results).to_excel(..., index=False)</c> to <c>mmbench_en_test_results.xlsx</c>: the sheet the
/// MMBench server takes.
/// </summary>
public static class MmbenchSubmission
{
    public const string Upload = "https://mmbench.opencompass.org.cn/mmbench-submission";

    public static void Register(HookRegistry hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        hooks.AddProcessResults("mmbench.test_process_results", ProcessResults, "submission");
        hooks.AddAggregation("mmbench.aggregate_test_results", (items, _) => Aggregate(items, "mmbench_en_test_results.xlsx"));
    }

    /// <summary>
    /// The <c>submission</c> dict in upstream's key order: index, question, answer, prediction (<c>results[0].strip()</c>),
    /// hint, source, split, category, L2-category, then A-E (<c>doc.get(c, "nan")</c>: a column absent from the split is
    /// the string "nan"; a null cell stays None, an empty Excel cell).
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var prediction = PyStr.Strip(response);
        var row = new JsonObject
        {
            ["index"] = Node(doc["index"]),
            ["question"] = Node(doc["question"]),
            ["answer"] = Node(doc["answer"]),
            ["prediction"] = prediction,
            ["hint"] = Node(doc["hint"]),
            ["source"] = Node(doc["source"]),
            ["split"] = Node(doc["split"]),
            ["category"] = Node(doc["category"]),
            ["L2-category"] = Node(doc["L2-category"]),
        };
        foreach (var c in new[] { "A", "B", "C", "D", "E" })
        {
            row[c] = doc.TryGetValue(c, out var v) ? Node(v) : "nan";
        }

        var extraction = new Extraction("mmbench.test_submission", prediction.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, prediction);
        return SampleScore.Of(extraction, ("submission", row));
    }

    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items, string fileName) =>
        new(null, []) { Submission = new SubmissionFile(fileName, XlsxSheet.Write([.. items.OfType<JsonObject>()]), Upload) };

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s => s,
        long l => l,
        int i => i,
        double d => d,
        bool b => b,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
