using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mathverse;

/// <summary>
/// MathVerse (<c>mathverse_testmini_vision_only</c>) hooks, ported from lmms-eval 75571cf
/// <c>tasks/mathverse/utils.py</c> and <c>mathverse_evals.py</c> (docs/LMMS-EVAL.md §2.7).
/// </summary>
public sealed class MathverseFamily : ITaskFamily
{
    public const string Metric = "gpt_eval_score";

    /// <summary>
    /// <c>BINARY_JUDGE_PROMPT</c> of lmms-eval <c>llm_judge/utils.py</c> with output_format "0/1" (positive "1",
    /// negative "0" already filled in), as <c>evaluate_binary</c> sends it.
    /// </summary>
    public const string BinaryJudgeTemplate =
        "You are a strict evaluator assessing answer correctness. You must output 1 for fully correct answers and 0 for any other case.\n\n" +
        "# Input\nQuestion:\n```\n{question}\n```\nGround Truth Answer:\n```\n{answer}\n```\nModel Prediction:\n```\n{prediction}\n```\n\n" +
        "# Evaluation Rules\n" +
        "- The model prediction may contain the reasoning process, you should spot the final answer from it.\n" +
        "- For multiple-choice questions: Score 1 if the predicted answer matches the ground truth answer, it can be directly in option letters or the content of the options.\n" +
        "- For open-ended questions:\n" +
        "  * Score 1 if the prediction matches the answer semantically, it can be in different format.\n" +
        "  * Score 0 for partially correct answers or answers with extra incorrect information, even if the reasoning process is correct.\n" +
        "- Ignore minor differences in formatting, capitalization, or spacing since the model may explain in a different way.\n" +
        "- Treat numerical answers as correct if they match within reasonable precision\n" +
        "- For questions requiring units, both value and unit must be correct\n\n" +
        "# Strict Output format\n1 or 0";

    private static readonly string[] s_positivePatterns = ["1", "[1]", "score: 1", "answer: 1"];

    public string Name => "mathverse";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mathverse.doc_to_text", DocToText);
        hooks.AddDocToVisual("mathverse.doc_to_visual", DocToVisual);
        hooks.AddProcessResults("mathverse.process_results", ProcessResults, Metric, "submission");
        hooks.AddAggregation("mathverse.aggregate_results_eval", (items, _) => AggregateEval(items));
    }

    /// <summary>
    /// <c>create_one_query</c>, zero-shot: <c>format-prompt</c> → the dataset's <c>{query_type}</c> column
    /// (<c>query_wo</c> upstream, <c>query_cot</c> in the LLaDA-V fork); <c>custom-prompt</c> → the kwargs
    /// <c>hint</c> for the question type, then <c>Question: {question}</c>.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var shotType = kwargs.GetString("shot_type", "format-prompt");
        var queryType = kwargs.GetString("query_type", "query_wo");
        string hint = "", question;
        if (shotType == "custom-prompt")
        {
            var hints = kwargs.Values.TryGetValue("hint", out var h) ? h as IReadOnlyDictionary<string, object?> : null;
            var key = doc.RequireString("question_type") == "multi-choice" ? "multi-choice" : "free-form";
            hint = hints is not null && hints.TryGetValue(key, out var t) ? Convert.ToString(t, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
            question = $"Question: {doc.RequireString("question")}";
        }
        else
        {
            question = doc.RequireString(queryType);
        }

        return PyStr.Strip("\n\n" + string.Join("\n", new[] { hint, question }.Where(e => e != "")));
    }

    /// <summary><c>mathverse_doc_to_visual</c>: no image when the column's text form is blank, else <c>[doc["image"]]</c>.</summary>
    public static IReadOnlyList<VisualRef> DocToVisual(Doc doc, PromptKwargs kwargs) =>
        doc["image"] is null or string { Length: 0 } || (doc["image"] is string s && PyStr.Strip(s).Length == 0)
            ? []
            : [ImageRef.FromColumn(doc, "image")];

    /// <summary>
    /// <c>mathverse_process_results</c> (HEAD): with a judge, <c>evaluate_binary(question_for_eval, str(answer),
    /// full response)</c>, scoring 1 when the lower-cased reply contains "1", "[1]", "score: 1" or "answer: 1"
    /// (<c>ResponseParser.parse_binary_response</c>); a judge failure scores 0 as upstream but is marked JudgeFailed.
    /// Without a judge, the evaluator's non-judge path <c>quick_match</c>: the response equals the answer exactly.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var prediction = PyStr.Strip(response);
        var answer = doc.GetString("answer");
        int score;
        Extraction extraction;
        string? judgeError = null;
        string? judgeReply = null;
        JudgeAnswer? judgeAnswer = null;
        if (answer is null)
        {
            score = 0;
            extraction = new Extraction("mathverse.no_answer", ExtractionStatus.Unparseable, prediction);
        }
        else if (context.Judge is { } judge)
        {
            var prompt = JudgePrompt.Create("mathverse.binary", BinaryJudgeTemplate,
                ("question", doc.RequireString("question_for_eval")), ("answer", answer), ("prediction", prediction));
            var reply = JudgeCalls.Ask(judge, prompt);
            judgeAnswer = reply;
            if (reply.Failed)
            {
                score = 0;
                judgeError = reply.Error;
                extraction = new Extraction("mathverse.binary_judge", ExtractionStatus.JudgeFailed);
            }
            else
            {
                judgeReply = reply.Text!;
                score = ParseBinary(judgeReply) ? 1 : 0;
                extraction = new Extraction("mathverse.binary_judge", ExtractionStatus.Judge, score.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        else
        {
            score = prediction == answer ? 1 : 0;
            extraction = new Extraction("mathverse.quick_match", prediction.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Fallback, prediction);
        }

        var submission = new JsonObject
        {
            ["sample_index"] = doc.GetString("sample_index"),
            ["problem_index"] = doc.GetString("problem_index"),
            ["problem_version"] = doc.GetString("problem_version"),
            ["answer"] = answer,
            ["prediction"] = prediction,
            ["question_type"] = doc.GetString("question_type"),
            ["true_false"] = score == 1,
        };
        if (judgeReply is not null)
        {
            submission["judge_reply"] = judgeReply;
        }

        if (judgeError is not null)
        {
            submission["judge_error"] = judgeError;
        }

        if (judgeAnswer is not null)
        {
            submission["judge"] = judgeAnswer.Provenance();
        }

        return SampleScore.Of(extraction, (Metric, JsonValue.Create(score)), ("submission", submission));
    }

    /// <summary><c>parse_binary_response</c> for "0/1": any positive pattern in the stripped, lower-cased reply.</summary>
    public static bool ParseBinary(string reply)
    {
        var r = PyStr.Lower(PyStr.Strip(reply));
        return s_positivePatterns.Any(p => r.Contains(p, StringComparison.Ordinal));
    }

    /// <summary><c>mathverse_aggregate_results_eval</c>: <c>sum(results) / len(results)</c> (a fraction).</summary>
    public static AggregationResult AggregateEval(IReadOnlyList<JsonNode?> items)
    {
        var scores = items.Where(i => i is JsonValue).Select(Aggregations.ToDouble).ToList();
        return AggregationResult.Of(scores.Count == 0 ? null : scores.Sum() / scores.Count);
    }
}
