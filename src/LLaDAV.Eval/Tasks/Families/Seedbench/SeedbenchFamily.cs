using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Seedbench;

/// <summary>
/// SEED-Bench (<c>seedbench</c>) hooks, ported from lmms-eval 75571cf <c>tasks/seedbench/utils.py</c>
/// (docs/LMMS-EVAL.md §2.5). Video questions carry pre-extracted frames in the same <c>image</c> list as image questions,
/// so both kinds are image lists here; only <c>data_type</c> tells them apart (metric <c>seed_image</c> or
/// <c>seed_video</c>). The lmms-eval rule was not changed by the 2026-04-11 extractor switch: both scoring-rule
/// versions score it the same way.
/// </summary>
public sealed class SeedbenchFamily : ITaskFamily
{
    /// <summary>The metric keys process_results returns: <c>seed_{data_type}</c> for both data types, then <c>seed_all</c>.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["seed_image", "seed_video", "seed_all"];

    public string Name => "seedbench";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToVisual("seedbench.doc_to_visual", DocToVisual);
        hooks.AddDocToText("seedbench.doc_to_text", DocToText);
        hooks.AddProcessResults("seedbench.process_results", ProcessResults, [.. MetricNames]);
        hooks.AddAggregation("seedbench.aggregate_results", (items, _) => AggregationResult.Of(Accuracy(items)));
    }

    /// <summary><c>seed_doc_to_visual</c>: every image of <c>doc["image"]</c> (one for image items, the frames for video items).</summary>
    public static IReadOnlyList<VisualRef> DocToVisual(Doc doc, PromptKwargs kwargs)
    {
        if (doc["image"] is not IReadOnlyList<object?> images)
        {
            throw new Errors.DataException($"SEED-Bench column 'image' in {doc.SourceFile} is not a list of images (HF Sequence[Image]).");
        }

        return images.Select((value, i) => (VisualRef)(value switch
        {
            IReadOnlyDictionary<string, object?> s when s.TryGetValue("bytes", out var b) && b is byte[] inline => new ImageRef(inline, null, $"image[{i}]"),
            IReadOnlyDictionary<string, object?> s => new ImageRef(null, Resolve(doc, s.TryGetValue("path", out var p) ? p as string : null, i), $"image[{i}]"),
            byte[] bytes => new ImageRef(bytes, null, $"image[{i}]"),
            string path => new ImageRef(null, Resolve(doc, path, i), $"image[{i}]"),
            _ => throw new Errors.DataException($"SEED-Bench column 'image' item {i} in {doc.SourceFile} is {value?.GetType().Name ?? "null"}; expected an HF Image struct {{bytes, path}}."),
        })).ToList();
    }

    /// <summary>
    /// <c>seed_doc_to_text</c>: <c>{question}\nA. {a}\nB. {b}\nC. {c}\nD. {d}\nAnswer with the option's letter from the
    /// given choices directly.</c> The task has no prompt kwargs upstream, and the LLaDA-V fork keeps this text
    /// (docs/LLADAV-MODEL.md §7.3).
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs) =>
        $"{doc.RequireString("question")}\nA. {doc.RequireString("choice_a")}\nB. {doc.RequireString("choice_b")}\nC. {doc.RequireString("choice_c")}\nD. {doc.RequireString("choice_d")}\nAnswer with the option's letter from the given choices directly.";

    /// <summary>
    /// <c>seed_process_result</c>: <c>pred = result.strip()</c>, then its first character when longer than one;
    /// the same record goes to <c>seed_{data_type}</c> and <c>seed_all</c>. Whether it is right is decided at
    /// aggregation (case-insensitive).
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var pred = FirstCharacter(PyStr.Strip(response));
        var answer = doc.RequireString("answer");
        var record = new JsonObject { ["pred"] = pred, ["answer"] = answer, ["question_id"] = doc.RequireString("question_id") };
        var extraction = new Extraction("seedbench.first_character", pred.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, pred);
        return SampleScore.Of(extraction, ($"seed_{doc.RequireString("data_type")}", record), ("seed_all", record.DeepClone()));
    }

    /// <summary><c>pred[0]</c> when <c>len(pred) &gt; 1</c>: Python indexes code points, so a surrogate pair stays whole.</summary>
    public static string FirstCharacter(string pred)
    {
        if (pred.Length == 0)
        {
            return pred;
        }

        var first = Rune.GetRuneAt(pred, 0);
        return first.Utf16SequenceLength == pred.Length ? pred : first.ToString();
    }

    /// <summary>
    /// <c>seed_aggregation_result</c>: correct when <c>pred.lower().strip() == answer.lower().strip()</c>; fraction of
    /// all items. Python divides by zero on no items; here that is "no value".
    /// </summary>
    public static double? Accuracy(IReadOnlyList<JsonNode?> items)
    {
        var total = 0;
        var correct = 0;
        foreach (var item in items.OfType<JsonObject>())
        {
            total++;
            var pred = (string?)item["pred"] ?? "";
            var answer = (string?)item["answer"] ?? "";
            if (PyStr.Strip(PyStr.Lower(pred)) == PyStr.Strip(PyStr.Lower(answer)))
            {
                correct++;
            }
        }

        return total == 0 ? null : (double)correct / total;
    }

    private static string? Resolve(Doc doc, string? path, int i) => MediaPath.Resolve(doc, path, $"image[{i}]");
}
