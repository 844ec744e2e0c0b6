using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tasks.Families.Chartqa;

/// <summary>A relaxed-correctness verdict and which branch of the rule decided it.</summary>
public sealed record RelaxedOutcome(bool Correct, Extraction Extraction);

/// <summary>
/// <c>relaxed_correctness(prediction, target, max_relative_change=0.05)</c> from lmms-eval
/// <c>tasks/chartqa/utils.py</c> (taken there from Qwen-VL <c>eval_mm/evaluate_vqa.py</c>; docs/LMMS-EVAL.md §1.14 F).
/// </summary>
public static class RelaxedCorrectness
{
    public const double MaxRelativeChange = 0.05;

    /// <summary>
    /// <c>_to_float</c>: a text ending in '%' → <c>float(text.rstrip("%")) / 100</c> (every trailing '%' goes),
    /// else <c>float(text)</c>; a ValueError → null. Python <c>float()</c> semantics (whitespace, '_' between
    /// digits, exponents, inf/nan) come from <see cref="PyFloat"/>.
    /// </summary>
    public static double? ToFloat(string text)
    {
        if (text.EndsWith('%'))
        {
            return PyFloat.TryParse(text.TrimEnd('%'), out var p) ? p / 100.0 : null;
        }

        return PyFloat.TryParse(text, out var v) ? v : null;
    }

    /// <summary>
    /// Numeric branch when the prediction parses and the target parses to a truthy float (non-zero; NaN is truthy):
    /// <c>|p - t| / |t| ≤ 0.05</c>. Otherwise case-insensitive string equality (<c>prediction.lower() == target.lower()</c>).
    /// </summary>
    public static RelaxedOutcome Evaluate(string prediction, string target)
    {
        var p = ToFloat(prediction);
        var t = ToFloat(target);
        if (p is { } pv && t is { } tv && tv != 0)
        {
            // NaN compares false, as Python's nan <= 0.05 does.
            var correct = Math.Abs(pv - tv) / Math.Abs(tv) <= MaxRelativeChange;
            return new RelaxedOutcome(correct, new Extraction("chartqa.relaxed_correctness.numeric", ExtractionStatus.Parsed, PyFloat.Repr(pv)));
        }

        var equal = PyStr.Lower(prediction) == PyStr.Lower(target);
        ExtractionStatus status;
        if (PyStr.Strip(prediction).Length == 0)
        {
            status = ExtractionStatus.Unparseable;
        }
        else if (t is { } target0 && target0 != 0)
        {
            // The gold is a number but the prediction is not one Python's float() reads ("1,000", "12 kg"):
            // the rule falls back to string equality, which such a prediction can only fail.
            status = ExtractionStatus.Fallback;
        }
        else
        {
            status = ExtractionStatus.Parsed;
        }

        return new RelaxedOutcome(equal, new Extraction("chartqa.relaxed_correctness.string", status, prediction));
    }
}
