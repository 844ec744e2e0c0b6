using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mme;

/// <summary>MME (<c>mme</c>) hooks, ported from lmms-eval 75571cf <c>tasks/mme/utils.py</c> (docs/LMMS-EVAL.md §2.4).</summary>
public sealed class MmeFamily : ITaskFamily
{
    public const string PerceptionMetric = "mme_perception_score";

    public const string CognitionMetric = "mme_cognition_score";

    /// <summary><c>eval_type_dict["Perception"]</c>: ten categories, so the perception score runs 0–2000.</summary>
    public static readonly IReadOnlyList<string> Perception =
        ["existence", "count", "position", "color", "posters", "celebrity", "scene", "landmark", "artwork", "OCR"];

    /// <summary><c>eval_type_dict["Cognition"]</c>: four categories, 0–800.</summary>
    public static readonly IReadOnlyList<string> Cognition =
        ["commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning"];

    private const string ReplacePrompt = " Please answer yes or no.";

    public string Name => "mme";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mme.doc_to_text", DocToText);
        hooks.AddDocToVisual("mme.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("mme.process_results", ProcessResults, PerceptionMetric, CognitionMetric);
        hooks.AddAggregation("mme.aggregate_results", (items, _) => Aggregate(items));
    }

    /// <summary>
    /// <c>mme_doc_to_text</c>: <c>question.strip()</c>; a non-empty pre or post prompt removes
    /// " Please answer yes or no." and is added around the question.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var question = PyStr.Strip(doc.RequireString("question"));
        var pre = kwargs.GetString("pre_prompt");
        var post = kwargs.GetString("post_prompt");
        if (pre.Length > 0)
        {
            question = pre + question.Replace(ReplacePrompt, "", StringComparison.Ordinal);
        }

        if (post.Length > 0)
        {
            question = question.Replace(ReplacePrompt, "", StringComparison.Ordinal) + post;
        }

        return question;
    }

    /// <summary>
    /// <c>parse_pred_ans</c> ("Brought from Otter Eval"): lower, strip, drop every "."; exactly yes/no → it; one
    /// character y/n → yes/no, other single characters → other; else "yes" within the first four characters → yes,
    /// elif "no" there → no, else other.
    /// </summary>
    public static (string Label, string Rule) ParsePrediction(string prediction)
    {
        var p = PyStr.Strip(PyStr.Lower(prediction)).Replace(".", "", StringComparison.Ordinal);
        if (p is "yes" or "no")
        {
            return (p, "exact");
        }

        if (p.Length == 1)
        {
            return p switch
            {
                "y" => ("yes", "single_letter"),
                "n" => ("no", "single_letter"),
                _ => ("other", "single_letter"),
            };
        }

        // Python slices by code point; a surrogate pair split here cannot contain "yes"/"no" anyway.
        var prefix = p.Length > 4 ? p[..4] : p;
        if (prefix.Contains("yes", StringComparison.Ordinal))
        {
            return ("yes", "prefix4");
        }

        return prefix.Contains("no", StringComparison.Ordinal) ? ("no", "prefix4") : ("other", "prefix4");
    }

    /// <summary>
    /// <c>mme_process_results</c>: score 1 if the parsed label equals the gold (lower, strip, "." removed); the
    /// record goes under the perception or the cognition key only, by category.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var (label, rule) = ParsePrediction(response);
        var gold = PyStr.Strip(PyStr.Lower(doc.RequireString("answer"))).Replace(".", "", StringComparison.Ordinal);
        if (gold is not ("yes" or "no"))
        {
            throw new InvalidDataException($"MME row {doc.GetString("question_id")}: answer '{gold}' is not yes/no.");
        }

        var category = doc.RequireString("category");
        var key = Perception.Contains(category) ? PerceptionMetric : CognitionMetric;
        var extraction = new Extraction($"mme.parse_pred_ans.{rule}", label == "other" ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, label);
        return SampleScore.Of(extraction, (key, new JsonObject
        {
            ["question_id"] = doc.RequireString("question_id"),
            ["category"] = category,
            ["score"] = label == gold ? 1.0 : 0.0,
        }));
    }

    /// <summary>
    /// <c>mme_aggregate_results</c>: per category, per image (<c>question_id</c>) of two questions,
    /// acc = mean·100 and acc+ = 100 if both are right; category score = mean over images of (acc + acc+); the
    /// metric is the sum over categories. Upstream asserts exactly two answers per image and crashes otherwise
    /// (e.g. under --limit); we leave such images out of their category and report how many under
    /// <c>incomplete_pairs</c>, so a partial run still scores the complete pairs.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        // Categories and images in first-seen order, as Python dicts keep them.
        var categories = new List<string>();
        var byCategory = new Dictionary<string, (List<string> Order, Dictionary<string, List<double>> Scores)>(StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var category = (string)item["category"]!;
            var questionId = (string)item["question_id"]!;
            if (!byCategory.TryGetValue(category, out var cat))
            {
                byCategory[category] = cat = ([], new Dictionary<string, List<double>>(StringComparer.Ordinal));
                categories.Add(category);
            }

            if (!cat.Scores.TryGetValue(questionId, out var scores))
            {
                cat.Scores[questionId] = scores = [];
                cat.Order.Add(questionId);
            }

            scores.Add((double)item["score"]!);
        }

        if (categories.Count == 0)
        {
            return AggregationResult.Of(null);
        }

        var breakdown = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
        var incomplete = 0;
        double total = 0;
        foreach (var category in categories)
        {
            var (order, scores) = byCategory[category];
            double sum = 0;
            var images = 0;
            foreach (var qid in order)
            {
                var s = scores[qid];
                if (s.Count != 2)
                {
                    incomplete++;
                    continue;
                }

                var acc = (s[0] + s[1]) / 2 * 100.0;
                var accPlus = s[0] + s[1] == 2 ? 100.0 : 0.0;
                sum += acc + accPlus;
                images++;
            }

            if (images == 0)
            {
                continue;
            }

            var avg = sum / images;
            breakdown.Add(new(category, avg));
            total += avg;
        }

        if (incomplete > 0)
        {
            breakdown.Add(new("incomplete_pairs", incomplete));
        }

        return new AggregationResult(total, breakdown.ToImmutable());
    }
}
