using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mathvista;

/// <summary>
/// <c>MathVistaEvaluator.create_one_query</c> (lmms-eval 75571cf <c>tasks/mathvista/mathvista_evals.py</c>; docs/LMMS-EVAL.md
/// §2.8), zero-shot. Shot types: <c>format-prompt</c> (_format), <c>step-by-step</c> (_cot), <c>solution</c>
/// (_solution), and <c>reason-first</c> as the LLaDA-V authors' fork renders it (docs/LLADAV-MODEL.md §7.3: question,
/// choices, hint, then the optional <c>closing_hint</c> kwarg — upstream's own reason-first puts the hint first and
/// has no closing line).
/// </summary>
public static class MathvistaPrompt
{
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var shotType = kwargs.GetString("shot_type", "format-prompt");
        var useCaption = IsTrue(kwargs, "use_caption");
        var useOcr = IsTrue(kwargs, "use_ocr");
        var question = doc.RequireString("question");
        var unit = doc.TryGetValue("unit", out var u) ? u as string : null;
        var caption = doc.TryGetValue("caption", out var c) ? c as string ?? "" : "";
        var ocr = doc.TryGetValue("ocr", out var o) ? o as string ?? "" : "";
        var choices = Choices(doc);
        var questionType = doc.RequireString("question_type");
        var answerType = doc.RequireString("answer_type");
        var precision = Precision(doc);

        var hint = Hint(shotType, questionType, answerType, precision);
        var questionText = shotType == "format-prompt" ? question : $"Question: {question}";
        if (!string.IsNullOrEmpty(unit))
        {
            questionText += $" (Unit: {unit})";
        }

        var choicesText = choices.Count == 0 ? ""
            : shotType == "format-prompt"
                ? string.Join("\n", choices.Select((ch, i) => $"{(char)('A' + i)}. {ch}"))
                : "Choices:\n" + string.Join("\n", choices.Select((ch, i) => $"({(char)('A' + i)}) {ch}"));
        var captionText = useCaption && caption != "" ? $"Image description: {caption}" : "";
        var ocrText = useOcr && ocr != "" ? $"Image detected text: {ocr}" : "";
        var prompt = shotType switch
        {
            "solution" => "Solution: ",
            "code" => "Python code: ",
            _ => "",
        };

        string[] elements = shotType == "reason-first"
            ? [questionText, choicesText, captionText, ocrText, hint, kwargs.GetString("closing_hint")]
            : [questionText, choicesText, captionText, ocrText, hint, prompt];

        // query = demo_prompt + "\n\n" + test_query, then strip(); zero-shot demo_prompt is "".
        return PyStr.Strip("\n\n" + string.Join("\n", elements.Where(e => e != "")));
    }

    private static string Hint(string shotType, string questionType, string answerType, int? precision)
    {
        var mc = questionType == "multi_choice";
        return shotType switch
        {
            "format-prompt" => mc ? "Answer with the option's letter from the given choices directly." : answerType switch
            {
                "integer" => "Answer the question using a single integer number.",
                "float" when precision == 1 => "Answer the question using a single floating-point number with one decimal place.",
                "float" when precision == 2 => "Answer the question using a single floating-point number with two decimal places.",
                "list" => "Answer the question using a Python list.",
                _ => "",
            },
            "step-by-step" or "solution" => mc ? "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end." : answerType switch
            {
                "integer" => "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.",
                "float" when precision == 1 => "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.",
                "float" when precision == 2 => "Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.",
                "list" => "Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.",
                _ => "",
            },
            "reason-first" => mc ? "First perform reasoning, then finally select the question from the choices in the following format: Answer: xxx." : answerType switch
            {
                "integer" => "First perform reasoning, then finally answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end in the following format: Answer: xxx.",
                "float" when precision == 1 => "First perform reasoning, then finally answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end in the following format: Answer: xxx.",
                "float" when precision == 2 => "First perform reasoning, then finally answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end in the following format: Answer: xxx.",
                "list" => "First perform reasoning, then finally answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end in the following format: Answer: xxx.",
                _ => "",
            },
            "code" => "Hint: Please generate a python code to solve the problem",
            _ => "",
        };
    }

    /// <summary>The <c>choices</c> column: a list of strings, or null for free-form questions.</summary>
    public static IReadOnlyList<string> Choices(Doc doc) =>
        doc.TryGetValue("choices", out var value) && value is IReadOnlyList<object?> list
            ? list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()
            : [];

    /// <summary>
    /// The <c>precision</c> column as a number of places (HF stores it as a float, e.g. 1.0; null for non-float
    /// answers), for the prompt's hint (<c>precision == 1</c> holds for 1.0 in Python) and for --scoring 2025's
    /// rounding. Whether upstream's <c>round()</c> accepts it is <see cref="PrecisionIsFloat"/>.
    /// </summary>
    public static int? Precision(Doc doc) => doc.TryGetValue("precision", out var p) ? p switch
    {
        long l => (int)l,
        double d when !double.IsNaN(d) => (int)d,
        _ => null,
    } : null;

    /// <summary>True when the row's <c>precision</c> is a float (Parquet double, JSON <c>1.0</c>), which Python's <c>round()</c> refuses as ndigits.</summary>
    public static bool PrecisionIsFloat(Doc doc) => doc.TryGetValue("precision", out var p) && p is double or float;

    private static bool IsTrue(PromptKwargs kwargs, string key) =>
        kwargs.Values.TryGetValue(key, out var v) && (v is true || (v is string s && s.Equals("true", StringComparison.OrdinalIgnoreCase)));
}
