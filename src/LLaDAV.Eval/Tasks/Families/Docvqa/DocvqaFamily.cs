using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Docvqa;

/// <summary>
/// DocVQA (<c>docvqa_val</c>) and InfographicVQA (<c>infovqa_val</c>) hooks: lmms-eval 75571cf
/// <c>tasks/docvqa/utils.py</c> and <c>tasks/infovqa/utils.py</c> (identical doc_to_text/doc_to_visual; docs/LMMS-EVAL.md
/// §2.11), plus the LLaDA-V authors' "Answer: X" scoring (their lmms-eval fork's <c>tasks/docvqa/utils.py</c>
/// <c>parse_VWImodel_response</c>; docs/LLADAV-MODEL.md §7.3), chosen by the prompt kwarg <see cref="AnswerFormatKey"/>.
/// </summary>
public sealed class DocvqaFamily : ITaskFamily
{
    /// <summary>The lmms_eval_specific_kwargs key that selects how the answer is read from the response.</summary>
    public const string AnswerFormatKey = "answer_format";

    /// <summary>The value of <see cref="AnswerFormatKey"/> for the LLaDA-V authors' "Answer: X" prompt.</summary>
    public const string AnswerColonFormat = "answer_colon";

    public string Name => "docvqa";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("docvqa.doc_to_text", DocToText);
        hooks.AddDocToVisual("docvqa.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("docvqa.process_results", ProcessResults, "anls");
        hooks.AddProcessResults("docvqa.test_process_results", TestProcessResults, "anls", "submission");
        hooks.AddAggregation("docvqa.test_aggregate_results", (items, _) => TestAggregate(items, "docvqa_test_for_submission.json", DocvqaUpload));
        hooks.AddAggregation("infovqa.test_aggregate_results", (items, _) => TestAggregate(items, "infovqa_test_for_submission.json", InfovqaUpload));
    }

    /// <summary>The Robust Reading Competition portal that scores DocVQA (Task 1) and InfographicVQA (Task 3) test answers.</summary>
    public const string DocvqaUpload = "https://rrc.cvc.uab.es/?ch=17 (Task 1 - Single Page Document VQA)";

    public const string InfovqaUpload = "https://rrc.cvc.uab.es/?ch=17 (Task 3 - Infographics VQA)";

    /// <summary>
    /// <c>docvqa_test_process_results</c> / <c>infovqa_test_process_results</c> (lmms-eval 75571cf
    /// tasks/docvqa/utils.py, tasks/infovqa/utils.py): <c>{"questionId": int(questionId), "answer": pred}</c> with the
    /// raw response. With <c>answer_format: answer_colon</c> (the lladav/llama3v prompt asks for a reason and then
    /// "Answer: X") the answer is the text after the last "Answer:", as the val split scores it, so the server gets
    /// the answer rather than the reasoning ("None" when absent, as there).
    /// </summary>
    public static SampleScore TestProcessResults(Doc doc, string response, ScoringContext context)
    {
        var questionId = PyInt(doc["questionId"]);
        string answer;
        Extraction extraction;
        if (context.Kwargs.GetString(AnswerFormatKey) == AnswerColonFormat)
        {
            var parsed = FinalAnswer.Parse(PyStr.Strip(response));
            answer = parsed ?? "None";
            extraction = new Extraction("docvqa.answer_after_last_answer_colon", parsed is null ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, answer);
        }
        else
        {
            answer = response;
            extraction = new Extraction("docvqa.test_raw_response", PyStr.Strip(response).Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, response);
        }

        System.Text.Json.Nodes.JsonObject Entry() => new() { ["questionId"] = questionId, ["answer"] = answer };
        return SampleScore.Of(extraction, ("anls", Entry()), ("submission", Entry()));
    }

    /// <summary><c>docvqa_test_aggregate_results</c> / <c>infovqa_test_aggregate_results</c>: <c>json.dump(results)</c>, a list in doc order; no score.</summary>
    public static AggregationResult TestAggregate(IReadOnlyList<System.Text.Json.Nodes.JsonNode?> items, string fileName, string upload)
    {
        var list = new System.Text.Json.Nodes.JsonArray([.. items.Select(i => i?.DeepClone())]);
        return new AggregationResult(null, []) { Submission = new SubmissionFile(fileName, System.Text.Encoding.UTF8.GetBytes(PythonJson.Dumps(list, ensureAscii: true)), upload) };
    }

    /// <summary>Python <c>int(x)</c> of the dataset's questionId (a string or an integer column).</summary>
    private static long PyInt(object? value) => value switch
    {
        long l => l,
        int i => i,
        string s when long.TryParse(PyStr.Strip(s), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new Errors.DataException($"DocVQA/InfoVQA questionId '{value}' is not an integer (lmms-eval does int(questionId))."),
    };

    /// <summary><c>docvqa_doc_to_text</c> / <c>infovqa_doc_to_text</c>: <c>{pre_prompt}{question}{post_prompt}</c>.</summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs) =>
        kwargs.GetString("pre_prompt") + doc.RequireString("question") + kwargs.GetString("post_prompt");

    /// <summary>
    /// Upstream scores the built-in <c>anls</c> metric on the whole response against the <c>answers</c> list (threshold
    /// 0.5). With <c>answer_format: answer_colon</c> (the <c>lladav</c> kwargs), the response is first reduced to its
    /// final answer as the LLaDA-V fork does; a response without "Answer:" is scored as the string "None".
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var golds = Golds(doc);
        string prediction;
        Extraction extraction;
        if (context.Kwargs.GetString(AnswerFormatKey) == AnswerColonFormat)
        {
            var parsed = FinalAnswer.Parse(PyStr.Strip(response));
            prediction = parsed ?? "None";
            extraction = new Extraction("docvqa.answer_after_last_answer_colon", parsed is null ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, prediction);
        }
        else
        {
            prediction = response;
            extraction = new Extraction("anls.whole_response", PyStr.Strip(response).Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, response);
        }

        return SampleScore.Of(extraction, ("anls", BuiltinMetrics.Anls(prediction, golds)));
    }

    /// <summary>doc_to_target "answers": the list of reference answers (a lone string is one reference).</summary>
    public static IReadOnlyList<string> Golds(Doc doc) => doc["answers"] switch
    {
        IReadOnlyList<object?> list => [.. list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "")],
        _ => [doc.RequireString("answers")],
    };
}

/// <summary>
/// <c>parse_VWImodel_response</c> (LLaDA-V's lmms-eval fork, <c>tasks/docvqa/utils.py</c>): empty → none; drop every
/// '*'; from the LAST "Answer:" on, <c>.strip()</c>, take the text after the last ':' (<c>split(":")[-1]</c>, so
/// "Answer: 10:30" gives "30"), then <c>.strip().strip("., ")</c>. No "Answer:" → none.
/// </summary>
public static class FinalAnswer
{
    public static string? Parse(string response)
    {
        if (response.Length == 0)
        {
            return null;
        }

        var text = response.Replace("*", "", StringComparison.Ordinal);
        var at = text.LastIndexOf("Answer:", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var part = PyStr.Strip(text[at..]);
        var last = part[(part.LastIndexOf(':') + 1)..];
        return PyStr.Strip(PyStr.Strip(last), "., ");
    }
}
