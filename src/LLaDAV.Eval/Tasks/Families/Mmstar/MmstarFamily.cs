using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mmstar;

/// <summary>MMStar (<c>mmstar</c>) hooks, ported from lmms-eval 75571cf <c>tasks/mmstar/utils.py</c> (docs/LMMS-EVAL.md §2.3).</summary>
public sealed class MmstarFamily : ITaskFamily
{
    /// <summary>The six top-level categories, each a metric key of the task.</summary>
    public static readonly IReadOnlyList<string> Categories =
        ["coarse perception", "fine-grained perception", "instance reasoning", "logical reasoning", "science & technology", "math"];

    private static readonly string[] s_choices = ["A", "B", "C", "D"];

    public string Name => "mmstar";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mmstar.doc_to_text", DocToText);
        hooks.AddDocToVisual("mmstar.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("mmstar.process_results", ProcessResults, [.. Categories, "average"]);
        hooks.AddAggregation("mmstar.aggregate_results", (items, _) => AggregationResult.Of(MacroOverL2(items)));
    }

    /// <summary>
    /// <c>question.strip()</c>, then pre/post prompt; " Please answer yes or no." is removed whenever a non-empty
    /// pre or post prompt is added.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var question = PyStr.Strip(doc.RequireString("question"));
        var pre = kwargs.GetString("pre_prompt");
        var post = kwargs.GetString("post_prompt");
        if (pre.Length > 0)
        {
            question = pre + question.Replace(" Please answer yes or no.", "", StringComparison.Ordinal);
        }

        if (post.Length > 0)
        {
            question = question.Replace(" Please answer yes or no.", "", StringComparison.Ordinal) + post;
        }

        return question;
    }

    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var gold = doc.RequireString("answer");
        double score;
        Extraction extraction;
        if (context.Rules == ScoringRules.Legacy2025)
        {
            score = LegacyExactMatch(response, gold);
            extraction = new Extraction("mmstar.exact_match_2025", score > 0 || response.Length > 0 ? ExtractionStatus.Parsed : ExtractionStatus.Unparseable, response);
        }
        else
        {
            // HEAD (9ca4445d): extract_mcq_answer(pred, ["A","B","C","D"]) == gt.strip().upper().
            var (letter, format) = McqExtractor.ExtractWithFormat(response, s_choices);
            score = letter == PyStr.Strip(gold).ToUpperInvariant() ? 1.0 : 0.0;
            extraction = new Extraction(
                $"extract_mcq_answer.{format?.ToString().ToLowerInvariant() ?? "none"}",
                format is null ? ExtractionStatus.Unparseable : format == McqExtractor.Format.Fallback ? ExtractionStatus.Fallback : ExtractionStatus.Parsed,
                letter);
        }

        var category = doc.RequireString("category");
        var l2 = doc.RequireString("l2_category");
        var index = JsonValue.Create(doc["index"] is long l ? l : Convert.ToInt64(doc["index"], System.Globalization.CultureInfo.InvariantCulture));
        return SampleScore.Of(
            extraction,
            (category, new JsonObject { ["question_id"] = index.DeepClone(), ["l2_category"] = l2, ["score"] = score }),
            // mmstar_process_results (75571cf and before): the "average" dict has no "category".
            ("average", new JsonObject { ["question_id"] = index, ["l2_category"] = l2, ["score"] = score }));
    }

    /// <summary>
    /// The legacy MMStar matcher (lmms-eval before 2026-04-11, "brought from MMStar"): lower-cased, newlines as
    /// spaces; the first character, or the one after "(", "option " or "the answer is ".
    /// </summary>
    public static double LegacyExactMatch(string prediction, string gold)
    {
        var answer = PyStr.Strip(PyStr.Lower(gold).Replace("\n", " ", StringComparison.Ordinal));
        var predict = PyStr.Strip(PyStr.Lower(prediction).Replace("\n", " ", StringComparison.Ordinal));

        // Python raises IndexError on short strings inside a try → 0.0.
        bool At(int i, out string ch)
        {
            ch = i < predict.Length ? predict[i].ToString() : "";
            return i < predict.Length;
        }

        if (!At(0, out var first))
        {
            return 0.0;
        }

        if (answer == first)
        {
            return 1.0;
        }

        if (first == "(")
        {
            return At(1, out var c1) && answer == c1 ? 1.0 : 0.0;
        }

        if (predict.StartsWith("option ", StringComparison.Ordinal))
        {
            return At(7, out var c7) && answer == c7 ? 1.0 : 0.0;
        }

        if (predict.StartsWith("the answer is ", StringComparison.Ordinal))
        {
            return At(14, out var c14) && answer == c14 ? 1.0 : 0.0;
        }

        return 0.0;
    }

    /// <summary><c>mmstar_aggregate_results</c>: mean score per l2 category (first-seen order), then the mean of those.</summary>
    public static double? MacroOverL2(IReadOnlyList<JsonNode?> items)
    {
        var order = new List<string>();
        var sums = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var l2 = (string)item["l2_category"]!;
            if (!sums.TryGetValue(l2, out var list))
            {
                sums[l2] = list = [];
                order.Add(l2);
            }

            list.Add((double)item["score"]!);
        }

        if (order.Count == 0)
        {
            return null;
        }

        double total = 0;
        foreach (var l2 in order)
        {
            var scores = sums[l2];
            double s = 0;
            foreach (var x in scores)
            {
                s += x;
            }

            total += s / scores.Count;
        }

        return total / order.Count;
    }
}
