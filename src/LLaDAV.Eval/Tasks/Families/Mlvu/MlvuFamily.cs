using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mlvu;

/// <summary>
/// MLVU dev (<c>mlvu_dev</c>) hooks, ported from lmms-eval 75571cf <c>tasks/mlvu/utils.py</c> (docs/LMMS-EVAL.md §2.14).
/// The metric key keeps lmms-eval's spelling <c>mlvu_percetion_score</c>.
/// </summary>
public sealed class MlvuFamily : ITaskFamily
{
    /// <summary>The metric key, misspelt as in lmms-eval's mlvu_dev.yaml.</summary>
    public const string MetricName = "mlvu_percetion_score";

    /// <summary><c>mlvu_aggregate_results_dev</c>'s TASK_TYPES: the seven multiple-choice task types of MLVU dev.</summary>
    public static readonly ImmutableArray<string> TaskTypes = ["anomaly_reco", "count", "ego", "needle", "order", "plotQA", "topic_reasoning"];

    private static readonly string[] s_choices = ["A", "B", "C", "D"];

    public string Name => "mlvu";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToVisualFactory("mlvu.doc_to_visual_dev", spec =>
        {
            var locator = VideoLocator.FromEnvironment();
            return (doc, _) => [DocToVisual(doc, spec, locator)];
        });
        hooks.AddDocToText("mlvu.doc_to_text", DocToText);
        hooks.AddProcessResults("mlvu.process_results", ProcessResults, MetricName);
        hooks.AddAggregation("mlvu.aggregate_results_dev", (items, _) => Aggregate(items));
    }

    /// <summary>
    /// <c>mlvu_doc_to_visual_dev</c>: <c>$HF_HOME/mlvu/{video_name}</c> (cache_dir <c>mlvu</c>, the repository's
    /// zips extracted there). lmms-eval exits the process when it is missing; here the locator throws a
    /// <see cref="MissingMediaException"/> naming every path it tried. <c>video/{video_name}</c> is also tried, for
    /// archives unpacked into a <c>video/</c> folder.
    /// </summary>
    public static VideoRef DocToVisual(Doc doc, TaskSpec spec, VideoLocator locator)
    {
        var name = doc.RequireString("video_name");
        return locator.Locate(doc, spec, [name, Path.Combine("video", name)]);
    }

    /// <summary><c>mlvu_doc_to_text</c>: <c>pre_prompt + question + post_prompt</c> (each defaulting to "").</summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs) =>
        kwargs.GetString("pre_prompt") + doc.RequireString("question") + kwargs.GetString("post_prompt");

    /// <summary>
    /// <c>mlvu_process_results</c>: the extracted letter, stored with the task type for the macro average.
    /// Current rules: <c>extract_mcq_answer(pred, ["A","B","C","D"])</c> (commit 9ca4445d). Legacy2025: the
    /// character before the first ")" (the prompt ends in "Best option: ("), else the whole response.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var extraction = context.Rules == ScoringRules.Legacy2025 ? LegacyExtract(response) : CurrentExtract(response);
        var record = new JsonObject
        {
            ["question_id"] = doc.RequireString("question"),
            ["task_type"] = doc.RequireString("task_type"),
            ["pred_answer"] = extraction.Answer ?? "",
            ["answer"] = doc.RequireString("answer"),
        };
        return SampleScore.Of(extraction, (MetricName, record));
    }

    /// <summary>The shared <c>extract_mcq_answer</c> over A-D (<c>tasks/_task_utils/mcq_extract.py</c>).</summary>
    public static Extraction CurrentExtract(string response)
    {
        var (letter, format) = McqExtractor.ExtractWithFormat(response, s_choices);
        return new Extraction(
            $"extract_mcq_answer.{format?.ToString().ToLowerInvariant() ?? "none"}",
            format is null ? ExtractionStatus.Unparseable : format == McqExtractor.Format.Fallback ? ExtractionStatus.Fallback : ExtractionStatus.Parsed,
            letter);
    }

    /// <summary>
    /// lmms-eval's MLVU <c>extract_characters_regex</c> before 2026-04-11: <c>s = s.strip()</c>; if ")" occurs,
    /// <c>s[index - 1 : index]</c> (empty when ")" is the first character, Python slicing <c>s[-1:0]</c>); else
    /// the whole stripped string.
    /// </summary>
    public static Extraction LegacyExtract(string response)
    {
        var s = PyStr.Strip(response);
        var index = s.IndexOf(')', StringComparison.Ordinal);
        if (index >= 0)
        {
            // Python slices code points: a character outside the BMP before ")" stays whole.
            var pred = index == 0 ? "" : index >= 2 && char.IsLowSurrogate(s[index - 1]) ? s.Substring(index - 2, 2) : s.Substring(index - 1, 1);
            return new Extraction("mlvu.char_before_paren_2025", pred.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, pred);
        }

        return new Extraction("mlvu.whole_response_2025", s.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Fallback, s);
    }

    /// <summary>
    /// <c>mlvu_aggregate_results_dev</c>: per task type <c>100 * correct / answered</c> (0 for a type with no
    /// items), correct meaning <c>pred_answer == answer</c>; the result is the mean over all seven types (M-avg),
    /// so a type missing from the run (e.g. under --limit) counts as 0. The per-type accuracies, which lmms-eval
    /// only logs, are the breakdown. A task type outside the seven fails as lmms-eval's KeyError would.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var correct = TaskTypes.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
        var answered = TaskTypes.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var type = (string?)item["task_type"] ?? "";
            if (!answered.ContainsKey(type))
            {
                throw new DataException($"MLVU task_type '{type}' is not one of {string.Join(", ", TaskTypes)} (lmms-eval mlvu_aggregate_results_dev).");
            }

            answered[type]++;
            if ((string?)item["pred_answer"] == (string?)item["answer"])
            {
                correct[type]++;
            }
        }

        // lmms-eval sums over categories whose key contains the type name; no type name is a substring of another.
        var perType = TaskTypes.Select(t => KeyValuePair.Create(t, answered[t] > 0 ? 100.0 * correct[t] / answered[t] : 0.0)).ToImmutableArray();
        var sum = 0.0;
        foreach (var kv in perType)
        {
            sum += kv.Value;
        }

        return new AggregationResult(sum / TaskTypes.Length, perType);
    }
}
