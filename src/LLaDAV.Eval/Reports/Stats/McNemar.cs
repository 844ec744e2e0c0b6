namespace LLaDAV.Eval.Reports.Stats;

/// <summary>
/// McNemar's test for paired 0/1 outcomes (McNemar 1947) in its exact form: under H0 each discordant pair is
/// equally likely to favour either run, so b ~ Binomial(b + c, 1/2) and the two-sided p-value is
/// p = min(1, 2·Σ_{k ≤ min(b,c)} C(n,k)/2^n), n = b + c. Exact rather than chi-square because evaluation diffs often
/// have few discordant pairs.
/// </summary>
public static class McNemar
{
    /// <summary>The exact two-sided p-value for <paramref name="b"/> pairs right→wrong and <paramref name="c"/> wrong→right.</summary>
    public static double ExactPValue(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        var n = b + c;
        if (n == 0)
        {
            return 1;
        }

        return Math.Min(1, 2 * BinomialLowerTail(Math.Min(b, c), n));
    }

    /// <summary>P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so large n does not underflow.</summary>
    public static double BinomialLowerTail(int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (k >= n)
        {
            return 1;
        }

        // log pmf(0) = -n ln 2; pmf(i+1) = pmf(i)·(n-i)/(i+1).
        var logTerm = -n * Math.Log(2);
        var logSum = logTerm;
        for (var i = 0; i < k; i++)
        {
            logTerm += Math.Log(n - i) - Math.Log(i + 1);
            var hi = Math.Max(logSum, logTerm);
            logSum = hi + Math.Log(Math.Exp(logSum - hi) + Math.Exp(logTerm - hi));
        }

        return Math.Min(1, Math.Exp(logSum));
    }
}
