using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mmbench;

/// <summary>
/// MMBench-EN dev (<c>mmbench_en_dev</c>, <c>mmbench_en_dev_static</c>) hooks, ported from lmms-eval 75571cf
/// <c>tasks/mmbench/en_utils.py</c> and <c>mmbench_evals.py</c> (docs/LMMS-EVAL.md §2.6). Each row's letter is decided in
/// process_results (so every sample records its extraction path); CircularEval groups the rows at aggregation.
/// </summary>
public sealed class MmbenchFamily : ITaskFamily
{
    public const string Metric = "gpt_eval_score";

    /// <summary><c>metadata.sys_prompt</c> of tasks/mmbench/mmbench.yaml.</summary>
    private const string SysPrompt = "There are several options:";

    /// <summary><c>MMBench_Evaluator.build_prompt</c>'s template (the GPT matching prompt), placeholders named.</summary>
    public const string MatchPromptTemplate =
        "You are an AI assistant who will help me to match an answer with several options of a single-choice question. " +
        "You are provided with a question, several options, and an answer, and you need to find which option is most similar to the answer. " +
        "If the meaning of all options are significantly different from the answer, output E. " +
        "Your should output a single uppercase character in A, B, C, D (if they are valid options), and E. \n" +
        "Example 1: \n" +
        "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\nAnswer: a cute teddy bear\nYour output: A\n" +
        "Example 2: \n" +
        "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\nAnswer: Spider\nYour output: E\n" +
        "Example 3: \n" +
        "Question: {question}?\nOptions: {options}\nAnswer: {prediction}\nYour output: ";

    private static readonly string[] s_candidates = ["A", "B", "C", "D", "E"];

    public string Name => "mmbench";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mmbench.doc_to_text", DocToText);
        hooks.AddDocToVisual("mmbench.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("mmbench.process_results", (doc, response, context) => ProcessResults(doc, response, context, useJudge: true), Metric);
        hooks.AddProcessResults("mmbench.process_results_static", (doc, response, context) => ProcessResults(doc, response, context, useJudge: false), Metric);
        hooks.AddAggregation("mmbench.aggregate_circular", (items, _) => AggregateCircular(items));
        MmbenchSubmission.Register(hooks);
    }

    /// <summary>
    /// <c>mmbench_doc_to_text</c>: <c>"{hint} {question} {options}"</c> (hint only when present and not "nan"), the
    /// options block from <c>create_options_prompt</c>, then <c>"\n" + post_prompt</c> when kwargs are given.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var options = OptionsPrompt(doc);
        var hint = doc.TryGetValue("hint", out var h) ? h : null;
        var question = doc.RequireString("question");
        var query = IsPresent(hint) ? $"{Text(hint)} {question} {options}" : $"{question} {options}";
        return kwargs.Values.Count > 0 ? $"{query}\n{kwargs.GetString("post_prompt")}" : query;
    }

    /// <summary>
    /// <c>create_options_prompt</c>: the A–E columns the row has with truthy values, sorted, each <c>"X. text\n"</c>
    /// unless NA or "nan", after "There are several options:\n"; trailing newlines stripped.
    /// </summary>
    private static string OptionsPrompt(Doc doc)
    {
        var sb = new StringBuilder(SysPrompt).Append('\n');
        foreach (var key in s_candidates)
        {
            if (doc.TryGetValue(key, out var value) && IsTruthy(value) && IsPresent(value))
            {
                sb.Append(key).Append(". ").Append(Text(value)).Append('\n');
            }
        }

        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// <c>mmbench_process_results</c> + the per-row part of <c>eval_sub_data</c>/<c>extract_answer_from_item</c>:
    /// <c>can_infer</c> first; then, with a judge, the GPT matching prompt (its answer read by <c>can_infer</c>;
    /// upstream's random letter after three unusable answers becomes a doc-seeded fallback); without one, as
    /// <c>mmbench_en_dev_static</c>, the shared <c>extract_mcq_answer</c> over the row's option letters.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context, bool useJudge)
    {
        var prediction = PyStr.Strip(response);
        var choices = BuildChoices(doc);
        string letter;
        Extraction extraction;
        string? judgeError = null;
        JudgeAnswer? judgeAnswer = null;
        if (MmbenchInference.CanInfer(prediction, choices) is { } inferred)
        {
            letter = inferred.Letter;
            extraction = Extraction.Direct($"mmbench.can_infer_{inferred.Rule.ToString().ToLowerInvariant()}", letter);
        }
        else if (useJudge && context.Judge is { } judge)
        {
            var prompt = JudgePrompt.Create("mmbench.match", MatchPromptTemplate,
                ("question", doc.RequireString("question")), ("options", BuildOptionString(doc)), ("prediction", prediction));
            var answer = JudgeCalls.Ask(judge, prompt);
            judgeAnswer = answer;
            if (answer.Failed)
            {
                letter = "";
                judgeError = answer.Error;
                extraction = new Extraction("mmbench.gpt_match", ExtractionStatus.JudgeFailed, null);
            }
            else if (MmbenchInference.CanInfer(answer.Text!, choices) is { } judged)
            {
                letter = judged.Letter;
                extraction = new Extraction("mmbench.gpt_match", ExtractionStatus.Judge, letter);
            }
            else
            {
                // extract_answer_from_item: after the retries, a random letter among the options plus "E".
                var numOptions = "ABCD".Count(c => doc.ContainsKey(c.ToString()));
                var pool = numOptions >= 2 ? "ABCDE"[..numOptions] + "E" : "";
                letter = pool.Length == 0 ? "" : pool[DocRandom.Index(context.DocSeed, "mmbench.random_choice", pool.Length)].ToString();
                extraction = new Extraction("mmbench.gpt_match.random_choice", letter.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Fallback, letter);
            }
        }
        else
        {
            var letters = s_candidates.Where(c => doc.TryGetValue(c, out var v) && IsPresent(v)).ToList();
            var (mcq, format) = McqExtractor.ExtractWithFormat(prediction, letters);
            letter = mcq;
            extraction = new Extraction(
                $"extract_mcq_answer.{format?.ToString().ToLowerInvariant() ?? "none"}",
                format is null ? ExtractionStatus.Unparseable : ExtractionStatus.Fallback,
                letter);
        }

        var record = new JsonObject
        {
            ["index"] = Index(doc),
            ["answer"] = doc.RequireString("answer"),
            ["prediction"] = prediction,
            ["pred_letter"] = letter,
            ["category"] = doc.GetString("category"),
            ["l2_category"] = doc.TryGetValue("L2-category", out var l2) ? Text(l2) : null,
        };
        if (judgeError is not null)
        {
            record["judge_error"] = judgeError;
        }

        if (judgeAnswer is not null)
        {
            record["judge"] = judgeAnswer.Provenance();
        }

        return SampleScore.Of(extraction, (Metric, record));
    }

    /// <summary>
    /// <c>eval_result</c> (CircularEval): for each base question (index &lt; 1e6) take every row whose
    /// <c>index % 1e6</c> equals it; the question scores 1 only if every row's letter equals its own gold. The
    /// metric is the mean over base questions ×100 (<c>mmbench_aggregate_dev_results_eval</c>); per-category hit
    /// rates (×100) go to the breakdown.
    /// </summary>
    public static AggregationResult AggregateCircular(IReadOnlyList<JsonNode?> items)
    {
        var rows = items.OfType<JsonObject>()
            .Select(o => (Index: (long)o["index"]!, Answer: (string)o["answer"]!, Pred: (string)o["pred_letter"]!, Category: (string?)o["category"]))
            .OrderBy(r => r.Index)
            .ToList();
        var groups = rows.GroupBy(r => r.Index % 1_000_000).ToDictionary(g => g.Key, g => g.ToList());
        var main = rows.Where(r => r.Index < 1_000_000).ToList();
        if (main.Count == 0)
        {
            return AggregationResult.Of(null);
        }

        var hits = new List<(string Category, int Hit)>();
        foreach (var m in main)
        {
            var hit = groups[m.Index].All(r => r.Pred == r.Answer) ? 1 : 0;
            hits.Add((m.Category ?? "uncategorized", hit));
        }

        var overall = hits.Average(h => (double)h.Hit);
        var breakdown = hits.GroupBy(h => h.Category, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, double>(g.Key, g.Average(h => (double)h.Hit) * 100))
            .ToImmutableArray();
        return new AggregationResult(overall * 100, breakdown);
    }

    /// <summary>
    /// <c>build_choices</c>: A–D that are not NA. A column the row lacks reads as the string "nan" (process_results
    /// fills <c>doc.get(c, "nan")</c>) and, not being NA, stays a choice, as upstream.
    /// </summary>
    private static List<KeyValuePair<string, string>> BuildChoices(Doc doc)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var ch in "ABCD")
        {
            var key = ch.ToString();
            var value = doc.TryGetValue(key, out var v) ? v : "nan";
            if (!IsNa(value))
            {
                result.Add(new(key, Text(value)));
            }
        }

        return result;
    }

    /// <summary><c>extract_options</c> + <c>build_option_str</c>: options A–D up to the first missing one.</summary>
    private static string BuildOptionString(Doc doc)
    {
        var sb = new StringBuilder("There are several options: \n");
        foreach (var ch in "ABCD")
        {
            if (!doc.TryGetValue(ch.ToString(), out var value) || IsNa(value))
            {
                break;
            }

            sb.Append(ch).Append(". ").Append(Text(value)).Append('\n');
        }

        return sb.ToString();
    }

    private static JsonNode Index(Doc doc) => doc["index"] switch
    {
        long l => JsonValue.Create(l),
        double d => JsonValue.Create((long)d),
        var other => JsonValue.Create(Convert.ToInt64(other, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary><c>pd.isna</c>: null or a float NaN.</summary>
    private static bool IsNa(object? value) => value is null || (value is double d && double.IsNaN(d));

    /// <summary><c>pd.notna(x) and x != "nan"</c>.</summary>
    private static bool IsPresent(object? value) => !IsNa(value) && Text(value) != "nan";

    /// <summary>Python truthiness for a cell: NaN is truthy, "" and None are not.</summary>
    private static bool IsTruthy(object? value) => value switch
    {
        null => false,
        string s => s.Length > 0,
        _ => true,
    };

    private static string Text(object? value) => value switch
    {
        null => "None",
        string s => s,
        double d => PyFloat.Repr(d),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
