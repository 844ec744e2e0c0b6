using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Families.Ai2d;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Muirbench;

/// <summary>MuirBench (<c>muirbench</c>) hooks, ported from lmms-eval 75571cf <c>tasks/muirbench/utils.py</c> (docs/LMMS-EVAL.md §2.13).</summary>
public sealed class MuirbenchFamily : ITaskFamily
{
    public const string Metric = "muirbench_score_overall";

    public string Name => "muirbench";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("muirbench.doc_to_text", DocToText);
        hooks.AddDocToVisual("muirbench.doc_to_visual", DocToVisual);
        hooks.AddDocToTarget("muirbench.doc_to_target", doc => doc.RequireString("answer"));
        hooks.AddFilter("muirbench.MultiChoiceRegexFilter", (r, _, _) => LeadingLetterFilter.Apply(r));
        hooks.AddProcessResults("muirbench.process_results", ProcessResults, Metric);
        hooks.AddAggregation("muirbench.aggregation", (items, _) => Aggregate(items));
    }

    /// <summary><c>muir_doc_to_text</c>: <c>{pre_prompt}{question}\n{A. o1\nB. o2…}{post_prompt}</c>.</summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var options = Ai2dFamily.Options(doc);
        var choices = string.Join("\n", options.Select((o, i) => $"{(char)('A' + i)}. {o}"));
        return $"{kwargs.GetString("pre_prompt")}{doc.RequireString("question")}\n{choices}{kwargs.GetString("post_prompt")}";
    }

    /// <summary><c>muir_doc_to_visual</c>: every image of <c>image_list</c> (a list of HF Image structs), in order.</summary>
    public static IReadOnlyList<VisualRef> DocToVisual(Doc doc, PromptKwargs kwargs)
    {
        if (doc["image_list"] is not IReadOnlyList<object?> images)
        {
            throw new InvalidDataException($"Column 'image_list' in {doc.SourceFile} must be a list of HF Image structs {{bytes, path}}.");
        }

        return [.. images.Select((image, i) =>
        {
            // Each element is read as an HF Image column value would be.
            var single = new Doc(new Dictionary<string, object?> { ["image"] = image }, doc.SourceDirectory, doc.SourceFile, doc.DatasetRoot);
            var r = ImageRef.FromColumn(single, "image");
            return (VisualRef)(r with { Column = $"image_list[{i}]" });
        })];
    }

    /// <summary>
    /// <c>muir_process_results</c>: the filtered prediction with the doc's task, idx, relations and answer, all
    /// under <c>muirbench_score_overall</c>; correctness is decided in the aggregation.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var item = new JsonObject
        {
            ["pred"] = response,
            ["task"] = doc.RequireString("task"),
            ["idx"] = doc["idx"] switch
            {
                long l => JsonValue.Create(l),
                var other => JsonValue.Create(Convert.ToString(other, CultureInfo.InvariantCulture)),
            },
            ["image_relation"] = doc.GetString("image_relation"),
            ["answer"] = doc.RequireString("answer"),
            ["image_type"] = doc.GetString("image_type"),
        };
        return SampleScore.Of(LeadingLetterFilter.Classify("muirbench", response, ignorePunctuation: false), (Metric, item));
    }

    /// <summary>
    /// <c>muir_aggregation</c>: correct iff <c>pred.lower().strip() == answer.lower().strip()</c>; the metric is the
    /// micro accuracy over all items; the per-<c>task</c> accuracies upstream prints go into the breakdown.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var order = new List<string>();
        var byTask = new Dictionary<string, (int Correct, int Count)>(StringComparer.Ordinal);
        var correct = 0;
        var total = 0;
        foreach (var item in items.OfType<JsonObject>())
        {
            var task = (string)item["task"]!;
            var hit = PyStr.Strip(PyStr.Lower((string)item["pred"]!)) == PyStr.Strip(PyStr.Lower((string)item["answer"]!)) ? 1 : 0;
            if (!byTask.TryGetValue(task, out var t))
            {
                order.Add(task);
                t = (0, 0);
            }

            byTask[task] = (t.Correct + hit, t.Count + 1);
            correct += hit;
            total++;
        }

        if (total == 0)
        {
            return AggregationResult.Of(null);
        }

        var breakdown = order.Select(k => KeyValuePair.Create(k, (double)byTask[k].Correct / byTask[k].Count)).ToImmutableArray();
        return new AggregationResult((double)correct / total, breakdown);
    }
}
