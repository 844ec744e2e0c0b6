using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mathvista;

/// <summary>
/// MathVista testmini (<c>mathvista_testmini_format</c>, <c>_cot</c>, <c>_solution</c>; group
/// <c>mathvista_testmini</c>) hooks, ported from lmms-eval 75571cf <c>tasks/mathvista/utils.py</c> and
/// <c>mathvista_evals.py</c> (docs/LMMS-EVAL.md §2.8).
/// </summary>
public sealed partial class MathvistaFamily : ITaskFamily
{
    public const string Metric = "llm_as_judge_eval";

    /// <summary>
    /// <c>DEMO_PROMPT</c> of mathvista_evals.py (stripped, as <c>create_test_prompt</c> uses it) followed by that
    /// function's layout: <c>{demo}\n\n{query}\n\n{response}\n\nExtracted answer: </c>.
    /// </summary>
    public const string ExtractionTemplate =
        "Please read the following example. Then extract the answer from the model response and type it at the end of the prompt.\n\n" +
        "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\n" +
        "Question: Which number is missing?\n\n" +
        "Model response: The number missing in the sequence is 14.\n\n" +
        "Extracted answer: 14\n\n" +
        "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.\n" +
        "Question: What is the fraction of females facing the camera?\n\n" +
        "Model response: The fraction of females facing the camera is 0.6, which means that six out of ten females in the group are facing the camera.\n\n" +
        "Extracted answer: 0.6\n\n" +
        "Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.\n" +
        "Question: How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)\n\n" +
        "Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\n" +
        "Extracted answer: 1.45\n\n" +
        "Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n" +
        "Question: Between which two years does the line  graph saw its maximum peak?\n\n" +
        "Model response: The line graph saw its maximum peak between 2007 and 2008.\n\n" +
        "Extracted answer: [2007, 2008]\n\n" +
        "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n" +
        "Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5\n\n" +
        "Model response: The correct answer is (B) 8/11.\n\n" +
        "Extracted answer: B" +
        "\n\n{query}\n\n{response}\n\nExtracted answer: ";

    public string Name => "mathvista";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mathvista.doc_to_text", MathvistaPrompt.DocToText);
        hooks.AddDocToVisual("mathvista.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "decoded_image")]);
        hooks.AddProcessResults("mathvista.process_results", ProcessResults, Metric);
        hooks.AddAggregation("mathvista.aggregate_results", (items, _) => Aggregate(items));
    }

    /// <summary>
    /// <c>mathvista_process_results</c>: extract (<see cref="Extract"/>), normalise
    /// (<see cref="Normalize"/>), then <c>safe_equal</c>: <c>str(pred).strip() == str(answer).strip()</c>.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var prediction = PyStr.Strip(response);
        var choices = MathvistaPrompt.Choices(doc);
        var questionType = doc.RequireString("question_type");
        var answerType = doc.RequireString("answer_type");
        var (extracted, extraction, judgeAnswer) = ExtractWithJudge(prediction, doc.RequireString("query"), questionType, answerType, choices, context.Judge);

        // normalize_extracted_answer's `round(float(extraction), precision)`: Python refuses a float ndigits (the
        // real dataset's precision column is a Parquet double, e.g. 1.0) and the bare except yields None. Current
        // rules reproduce that (UpstreamQuirk); --scoring 2025 rounds to int(precision) places, as MathVista's own
        // scorer (evaluation/calculate_score.py) does.
        var precision = MathvistaPrompt.Precision(doc);
        var floatQuirk = context.Rules == ScoringRules.Current && questionType != "multi_choice" && answerType == "float" && MathvistaPrompt.PrecisionIsFloat(doc);
        var normalized = Normalize(extracted, choices, questionType, answerType, floatQuirk ? null : precision);
        if (floatQuirk)
        {
            extraction = extraction with { Quirk = UpstreamQuirk.MathvistaFloatPrecision.Id };
        }

        var answer = doc.GetString("answer");
        var correct = answer is not null && PyStr.Strip(normalized ?? "None") == PyStr.Strip(answer);
        var record = new JsonObject
        {
            ["question_id"] = doc.RequireString("pid"),
            ["answer"] = answer,
            ["extraction"] = extracted,
            ["prediction"] = normalized,
            ["true_false"] = correct,
            ["question_type"] = questionType,
            ["answer_type"] = answerType,
        };
        if (judgeAnswer is not null)
        {
            record["judge"] = judgeAnswer.Provenance();
            if (judgeAnswer.Failed)
            {
                record["judge_error"] = judgeAnswer.Error;
            }
        }

        return SampleScore.Of(extraction with { Answer = normalized }, (Metric, record));
    }

    /// <summary>
    /// <c>MathVistaEvaluator.extract_answer</c>: empty → ""; a multiple-choice response equal to a choice → it;
    /// integer answers → <c>str(int(response))</c> if Python's int() accepts it; float → <c>str(float(response))</c>;
    /// then, with a judge, the GPT extraction over DEMO_PROMPT (upstream runs with quick_extract: false). Without a
    /// judge the rule-based path also tries the quick-extract rule (<c>The answer is "(.*)"\.</c>) and otherwise
    /// returns "" — what upstream's extraction yields when no judge answers — marked unparseable.
    /// </summary>
    public static (string Extracted, Extraction Extraction, string? JudgeError) Extract(
        string response, string query, string questionType, string answerType, IReadOnlyList<string> choices, IAnswerJudge? judge)
    {
        var (extracted, extraction, answer) = ExtractWithJudge(response, query, questionType, answerType, choices, judge);
        return (extracted, extraction, answer?.Error);
    }

    private static (string Extracted, Extraction Extraction, JudgeAnswer? Judge) ExtractWithJudge(
        string response, string query, string questionType, string answerType, IReadOnlyList<string> choices, IAnswerJudge? judge)
    {
        if (response.Length == 0)
        {
            return ("", new Extraction("mathvista.empty_response", ExtractionStatus.Unparseable), null);
        }

        if (questionType == "multi_choice" && choices.Contains(response))
        {
            return (response, Extraction.Direct("mathvista.response_is_choice", response), null);
        }

        if (answerType == "integer" && TryPyInt(AsciiDigits(response), out var integer))
        {
            var s = integer.ToString(CultureInfo.InvariantCulture);
            return (s, Extraction.Direct("mathvista.int_response", s), null);
        }

        if (answerType == "float" && PyFloat.TryParse(AsciiDigits(response), out var f))
        {
            var s = PyFloat.Repr(f);
            return (s, Extraction.Direct("mathvista.float_response", s), null);
        }

        if (judge is not null)
        {
            var prompt = JudgePrompt.Create("mathvista.extract", ExtractionTemplate, ("query", query), ("response", response));
            var answer = JudgeCalls.Ask(judge, prompt);
            return answer.Failed
                ? ("", new Extraction("mathvista.gpt_extract", ExtractionStatus.JudgeFailed), answer)
                : (answer.Text!, new Extraction("mathvista.gpt_extract", ExtractionStatus.Judge, answer.Text), answer);
        }

        var quick = QuickExtract().Match(response);
        if (quick.Success)
        {
            return (quick.Groups[1].Value, Extraction.Direct("mathvista.quick_extract", quick.Groups[1].Value), null);
        }

        return ("", new Extraction("mathvista.no_judge", ExtractionStatus.Unparseable), null);
    }

    /// <summary>
    /// <c>normalize_extracted_answer</c>: multiple choice → the first <c>(x)</c> letter upper-cased, a letter maps to
    /// its choice text, anything else to the choice with the smallest Levenshtein distance (first on ties; so ""
    /// picks the shortest choice); integer → <c>str(int(float(x)))</c>; float → <c>str(round(float(x), precision))</c>;
    /// list → the text; a failed conversion → None (null).
    /// </summary>
    public static string? Normalize(string extraction, IReadOnlyList<string> choices, string questionType, string answerType, int? precision)
    {
        if (questionType == "multi_choice")
        {
            extraction = PyStr.Strip(extraction);
            var letter = ParenLetter().Match(extraction);
            if (letter.Success)
            {
                extraction = letter.Groups[1].Value.ToUpperInvariant();
            }

            var options = Enumerable.Range(0, choices.Count).Select(i => ((char)('A' + i)).ToString()).ToList();
            var index = options.IndexOf(extraction);
            if (index >= 0)
            {
                return choices[index];
            }

            if (choices.Count == 0)
            {
                return null;
            }

            var best = 0;
            var bestDistance = int.MaxValue;
            for (var i = 0; i < choices.Count; i++)
            {
                var d = BuiltinMetrics.Levenshtein(extraction, choices[i]);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = i;
                }
            }

            return choices[best];
        }

        switch (answerType)
        {
            case "integer":
                return PyFloat.TryParse(AsciiDigits(extraction), out var v) && !double.IsNaN(v) && !double.IsInfinity(v)
                    ? new BigInteger(Math.Truncate(v)).ToString(CultureInfo.InvariantCulture)
                    : null;
            case "float":
                return PyFloat.TryParse(AsciiDigits(extraction), out var x) && precision is { } p && p >= 0
                    ? PyFloat.Repr(PyFloat.Round(x, p))
                    : null;
            default:
                return extraction;
        }
    }

    /// <summary>
    /// <c>mathvista_aggregate_results</c>: <c>round(100·correct/total, 2)</c>, and None when that is 0 (upstream quirk,
    /// docs/LMMS-EVAL.md §5 item 5).
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var rows = items.OfType<JsonObject>().ToList();
        if (rows.Count == 0)
        {
            return AggregationResult.Of(null);
        }

        var correct = rows.Count(r => (bool)r["true_false"]!);
        var accuracy = PyFloat.Round((double)correct / rows.Count * 100, 2);
        var breakdown = rows.GroupBy(r => (string)r["question_type"]!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, double>(g.Key, PyFloat.Round((double)g.Count(r => (bool)r["true_false"]!) / g.Count() * 100, 2)))
            .ToImmutableArray();
        return new AggregationResult(accuracy == 0 ? null : accuracy, breakdown);
    }

    /// <summary>Python <c>int(str)</c>: surrounding whitespace, one sign, ASCII digits with single underscores between them.</summary>
    public static bool TryPyInt(string text, out BigInteger value)
    {
        value = default;
        var s = PyStr.Strip(text);
        var body = s.StartsWith('+') || s.StartsWith('-') ? s[1..] : s;
        if (body.Length == 0 || !char.IsAsciiDigit(body[0]) || !char.IsAsciiDigit(body[^1]))
        {
            return false;
        }

        for (var i = 0; i < body.Length; i++)
        {
            if (!char.IsAsciiDigit(body[i]) && !(body[i] == '_' && char.IsAsciiDigit(body[i - 1]) && char.IsAsciiDigit(body[i + 1])))
            {
                return false;
            }
        }

        value = BigInteger.Parse(body.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        if (s.StartsWith('-'))
        {
            value = -value;
        }

        return true;
    }

    /// <summary>
    /// Python's int() and float() read any Unicode decimal digit (e.g. full-width "１４" is 14); PyFloat and
    /// <see cref="TryPyInt"/> read ASCII, so digits are mapped first.
    /// </summary>
    public static string AsciiDigits(string s)
    {
        if (!s.Any(c => char.IsDigit(c) && !char.IsAsciiDigit(c)))
        {
            return s;
        }

        return string.Concat(s.Select(c => char.IsDigit(c) && !char.IsAsciiDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c));
    }

    [GeneratedRegex("The answer is \"(.*)\"\\.")]
    private static partial Regex QuickExtract();

    [GeneratedRegex(@"\(([a-zA-Z])\)")]
    private static partial Regex ParenLetter();
}
