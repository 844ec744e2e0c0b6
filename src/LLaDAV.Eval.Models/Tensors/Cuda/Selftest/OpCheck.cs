using System.Globalization;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

/// <summary>
/// One op compared between a reference and a candidate backend: the largest absolute and relative element error and
/// the tolerance it was held to (element i passes when <c>|c − r| ≤ atol + rtol·|r|</c>; integer outputs need
/// equality, atol = rtol = 0).
/// </summary>
public sealed record OpCheck(string Op, double MaxAbsError, double MaxRelError, double AbsoluteTolerance, double RelativeTolerance, bool Passed, string? Failure = null)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Passed ? "ok  " : "FAIL")} {Op,-62} max abs {MaxAbsError,10:E2}  max rel {MaxRelError,10:E2}  tol {AbsoluteTolerance:E0} + {RelativeTolerance:E0}·|ref|{(Failure is null ? string.Empty : "  " + Failure)}");

    /// <summary>Compares element by element.</summary>
    public static OpCheck Compare(string op, ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, double atol, double rtol)
    {
        if (reference.Length != candidate.Length)
        {
            return new OpCheck(op, double.NaN, double.NaN, atol, rtol, false, $"length {candidate.Length} ≠ {reference.Length}");
        }

        double maxAbs = 0, maxRel = 0;
        var passed = true;
        string? failure = null;
        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = candidate[i];
            if (double.IsNaN(r) && double.IsNaN(c))
            {
                continue;
            }

            var abs = r == c ? 0 : Math.Abs(c - r);
            if (double.IsNaN(abs))
            {
                abs = double.PositiveInfinity;
            }

            maxAbs = Math.Max(maxAbs, abs);
            if (Math.Abs(r) > 1e-6)
            {
                maxRel = Math.Max(maxRel, abs / Math.Abs(r));
            }

            if (!(abs <= atol + (rtol * Math.Abs(r))) && passed)
            {
                passed = false;
                failure = string.Create(CultureInfo.InvariantCulture, $"first failure at {i}: {c} vs {r}");
            }
        }

        return new OpCheck(op, maxAbs, maxRel, atol, rtol, passed, failure);
    }

    /// <summary>Integer outputs (indices) must match exactly.</summary>
    public static OpCheck Exact(string op, ReadOnlySpan<int> reference, ReadOnlySpan<int> candidate)
    {
        var mismatch = reference.Length != candidate.Length ? 0 : -1;
        for (var i = 0; mismatch < 0 && i < reference.Length; i++)
        {
            if (reference[i] != candidate[i])
            {
                mismatch = i;
            }
        }

        return mismatch < 0
            ? new OpCheck(op, 0, 0, 0, 0, true)
            : new OpCheck(op, double.NaN, double.NaN, 0, 0, false, string.Create(CultureInfo.InvariantCulture, $"first mismatch at {mismatch}"));
    }
}
