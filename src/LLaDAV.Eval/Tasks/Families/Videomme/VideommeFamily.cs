using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Videomme;

/// <summary>
/// Video-MME without subtitles (<c>videomme</c>) hooks, ported from lmms-eval 75571cf <c>tasks/videomme/utils.py</c>
/// (docs/LMMS-EVAL.md §2.15).
/// </summary>
public sealed partial class VideommeFamily : ITaskFamily
{
    public const string MetricName = "videomme_perception_score";

    /// <summary>utils.py VIDEO_TYPE, CATEGORIES, SUB_CATEGORIES, TASK_CATEGORIES: the labels lmms-eval logs a score for.</summary>
    public static readonly ImmutableArray<string> Durations = ["short", "medium", "long"];

    public static readonly ImmutableArray<string> Domains = ["Knowledge", "Film & Television", "Sports Competition", "Artistic Performance", "Life Record", "Multilingual"];

    public static readonly ImmutableArray<string> SubCategories =
    [
        "Humanity & History", "Literature & Art", "Biology & Medicine", "Finance & Commerce", "Astronomy", "Geography", "Law",
        "Life Tip", "Technology", "Animation", "Movie & TV Show", "Documentary", "News Report", "Esports", "Basketball",
        "Football", "Athletics", "Other Sports", "Stage Play", "Magic Show", "Variety Show", "Acrobatics", "Handicraft",
        "Food", "Fashion", "Daily Life", "Travel", "Pet & Animal", "Exercise", "Multilingual",
    ];

    public static readonly ImmutableArray<string> TaskCategories =
    [
        "Temporal Perception", "Spatial Perception", "Attribute Perception", "Action Recognition", "Object Recognition",
        "OCR Problems", "Counting Problem", "Temporal Reasoning", "Spatial Reasoning", "Action Reasoning",
        "Object Reasoning", "Information Synopsis",
    ];

    /// <summary>videomme_doc_to_text's fixed instruction ("and the subtitles" is there even without subtitles).</summary>
    public const string OptionPrompt =
        "Select the best answer to the following multiple-choice question based on the video and the subtitles. Respond with only the letter (A, B, C, or D) of the correct option.";

    private static readonly string[] s_choices = ["A", "B", "C", "D"];

    /// <summary>
    /// The legacy prefixes. Python's implicit concatenation of adjacent literals (a missing comma) makes two of them
    /// "The best option isThe correct option is" and "Best answer:Best option:"; kept as lmms-eval had them.
    /// </summary>
    private static readonly string[] s_legacyPrefixes =
    [
        "The best answer is", "The correct answer is", "The answer is", "The answer",
        "The best option isThe correct option is", "Best answer:Best option:",
    ];

    public string Name => "videomme";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToVisualFactory("videomme.doc_to_visual", spec =>
        {
            var locator = VideoLocator.FromEnvironment();
            return (doc, _) => [DocToVisual(doc, spec, locator)];
        });
        hooks.AddDocToText("videomme.doc_to_text", DocToText);
        hooks.AddProcessResults("videomme.process_results", ProcessResults, MetricName);
        hooks.AddAggregation("videomme.aggregate_results", (items, _) => Aggregate(items));
    }

    /// <summary>
    /// <c>videomme_doc_to_visual</c>: <c>$HF_HOME/videomme/data/{videoID}.mp4</c>, else <c>.MP4</c>, else <c>.mkv</c>
    /// (the chunked zips unpack into <c>data/</c>). lmms-eval exits when none exists; here a
    /// <see cref="MissingMediaException"/> names the paths tried.
    /// </summary>
    public static VideoRef DocToVisual(Doc doc, TaskSpec spec, VideoLocator locator)
    {
        var id = doc.RequireString("videoID");
        return locator.Locate(doc, spec, [Path.Combine("data", id + ".mp4"), Path.Combine("data", id + ".MP4"), Path.Combine("data", id + ".mkv")]);
    }

    /// <summary>
    /// <c>videomme_doc_to_text</c>: <c>{OptionPrompt}\n{question}\n{options joined by \n}\n{post_prompt}</c>, where
    /// post_prompt defaults to "The best answer is:" when the kwargs lack it. <c>format: qwen3_vl</c> selects
    /// <c>videomme_doc_to_text_qwen3vl</c>: <c>{pre_prompt}{question}\nOptions:\n{options}\n{post_prompt}</c>.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var question = doc.RequireString("question");
        var options = string.Join("\n", Options(doc));
        if (kwargs.GetString("format") == "qwen3_vl")
        {
            return $"{kwargs.GetString("pre_prompt")}{question}\nOptions:\n{options}\n{kwargs.GetString("post_prompt")}";
        }

        var post = kwargs.Has("post_prompt") ? kwargs.GetString("post_prompt") : "The best answer is:";
        return $"{OptionPrompt}\n{question}\n{options}\n{post}";
    }

    /// <summary>
    /// <c>videomme_process_results</c>: the extracted letter with the doc's duration, domain, sub-category and task
    /// type; <c>score</c> = case-insensitive equality (lmms-eval's stderr input). Current rules:
    /// <c>extract_mcq_answer(pred, ["A","B","C","D"])</c> (commit 9ca4445d); Legacy2025: <c>extract_characters_regex</c>.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var extraction = context.Rules == ScoringRules.Legacy2025 ? LegacyExtract(response) : CurrentExtract(response);
        var pred = extraction.Answer ?? "";
        var gold = doc.RequireString("answer");
        var record = new JsonObject
        {
            ["question_id"] = doc.RequireString("question_id"),
            ["duration"] = doc.RequireString("duration"),
            ["category"] = doc.RequireString("domain"),
            ["sub_category"] = doc.RequireString("sub_category"),
            ["task_category"] = doc.RequireString("task_type"),
            ["pred_answer"] = pred,
            ["answer"] = gold,
            ["score"] = PyStr.Lower(pred) == PyStr.Lower(gold) ? 1.0 : 0.0,
            ["videoID"] = doc.RequireString("videoID"),
        };
        return SampleScore.Of(extraction, (MetricName, record));
    }

    public static Extraction CurrentExtract(string response)
    {
        var (letter, format) = McqExtractor.ExtractWithFormat(response, s_choices);
        return new Extraction(
            $"extract_mcq_answer.{format?.ToString().ToLowerInvariant() ?? "none"}",
            format is null ? ExtractionStatus.Unparseable : format == McqExtractor.Format.Fallback ? ExtractionStatus.Fallback : ExtractionStatus.Parsed,
            letter);
    }

    /// <summary>
    /// lmms-eval's VideoMME <c>extract_characters_regex</c> before 2026-04-11: strip; delete every prefix of
    /// <see cref="s_legacyPrefixes"/> (in order, all occurrences); more than 10 words and no A-D capital → "";
    /// else the first of A, B, C, D anywhere (so "Based on…" answers B), or "" when there is none.
    /// </summary>
    public static Extraction LegacyExtract(string response)
    {
        var s = PyStr.Strip(response);
        foreach (var prefix in s_legacyPrefixes)
        {
            s = s.Replace(prefix, "", StringComparison.Ordinal);
        }

        var match = CapitalAbcd().Match(s);
        if (PyStr.Split(s).Length > 10 && !match.Success)
        {
            return new Extraction("videomme.extract_characters_regex_2025.long_without_letter", ExtractionStatus.Unparseable, "");
        }

        return match.Success
            ? new Extraction("videomme.extract_characters_regex_2025", ExtractionStatus.Parsed, match.Value)
            : new Extraction("videomme.extract_characters_regex_2025", ExtractionStatus.Unparseable, "");
    }

    /// <summary>
    /// <c>videomme_aggregate_results</c>: micro accuracy <c>100 * Σcorrect / Σanswered</c> over every item (0 when
    /// there are none), correct meaning <c>pred_answer == answer</c> (case-sensitive, as the aggregation compares).
    /// The per-duration, domain, sub-category and task-type accuracies lmms-eval logs are the breakdown; like
    /// lmms-eval, a label counts the items whose "{duration}_{domain}_{sub_category}_{task_type}" key contains it
    /// (so "Multilingual" gathers the domain and the sub-category of that name). Labels with no items are left out.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var rows = items.OfType<JsonObject>()
            .Select(r => (
                Key: $"{(string?)r["duration"]}_{(string?)r["category"]}_{(string?)r["sub_category"]}_{(string?)r["task_category"]}",
                Correct: (string?)r["pred_answer"] == (string?)r["answer"]))
            .ToList();
        var breakdown = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
        foreach (var (group, labels) in new[] { ("duration", Durations), ("domain", Domains), ("sub_category", SubCategories), ("task_type", TaskCategories) })
        {
            foreach (var label in labels)
            {
                var hits = rows.Where(r => r.Key.Contains(label, StringComparison.Ordinal)).ToList();
                if (hits.Count > 0)
                {
                    breakdown.Add(KeyValuePair.Create($"{group}/{label}", 100.0 * hits.Count(h => h.Correct) / hits.Count));
                }
            }
        }

        var value = rows.Count == 0 ? 0.0 : 100.0 * rows.Count(r => r.Correct) / rows.Count;
        return new AggregationResult(value, breakdown.ToImmutable());
    }

    /// <summary>The <c>options</c> column: a list of strings such as "A. Apples." (already lettered).</summary>
    private static IEnumerable<string> Options(Doc doc) => doc["options"] is IReadOnlyList<object?> list
        ? list.Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "")
        : throw new DataException($"Video-MME column 'options' in {doc.SourceFile} is not a list of strings.");

    [GeneratedRegex("[ABCD]")]
    private static partial Regex CapitalAbcd();
}
