namespace LLaDAV.Eval.Reports.Stats;

/// <summary>
/// The confidence interval that belongs to McNemar's exact test (<see cref="McNemar"/>): conditional on the
/// n = b + c discordant pairs, c (wrong→right) ~ Binomial(n, π), and the Clopper–Pearson interval for π
/// (Clopper &amp; Pearson 1934) is the set of π₀ the doubled-tail exact test does not reject. The paired difference of
/// accuracies is Δ = (c − b)/N = (2π − 1)·n/N over N pairs, so the interval for Δ is [(2π_L − 1)·n/N, (2π_U − 1)·n/N]
/// given the observed n. It excludes 0 (π = ½) exactly when McNemar's exact p &lt; 1 − confidence: one decision.
/// </summary>
public static class ExactPairedInterval
{
    /// <summary>Δ's bounds (as fractions of <paramref name="pairs"/>) for <paramref name="b"/> right→wrong and <paramref name="c"/> wrong→right pairs.</summary>
    public static (double Lower, double Upper) Delta(int b, int c, int pairs, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, b + c);
        if (pairs == 0 || b + c == 0)
        {
            return (0, 0);
        }

        var (lo, hi) = ClopperPearson(c, b + c, confidence);
        var share = (b + c) / (double)pairs;
        return (((2 * lo) - 1) * share, ((2 * hi) - 1) * share);
    }

    /// <summary>The exact (Clopper–Pearson) interval for a binomial proportion: x successes in n trials.</summary>
    public static (double Lower, double Upper) ClopperPearson(int x, int n, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x, n);
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie strictly between 0 and 1.");
        }

        var tail = (1 - confidence) / 2;

        // P(X ≥ x | π) rises with π: the lower bound is where it reaches the tail; P(X ≤ x | π) falls with π: the upper.
        var lower = x == 0 ? 0 : Solve(pi => 1 - LowerTail(x - 1, n, pi) - tail, rising: true);
        var upper = x == n ? 1 : Solve(pi => LowerTail(x, n, pi) - tail, rising: false);
        return (lower, upper);
    }

    /// <summary>P(X ≤ k) for X ~ Binomial(n, π), summed in log space.</summary>
    public static double LowerTail(int k, int n, double pi)
    {
        if (k < 0)
        {
            return 0;
        }

        if (k >= n || pi <= 0)
        {
            return 1;
        }

        if (pi >= 1)
        {
            return 0;
        }

        var (lp, lq) = (Math.Log(pi), Math.Log(1 - pi));
        var logTerm = n * lq; // pmf(0)
        var logSum = logTerm;
        for (var i = 0; i < k; i++)
        {
            logTerm += Math.Log(n - i) - Math.Log(i + 1) + lp - lq;
            var top = Math.Max(logSum, logTerm);
            logSum = top + Math.Log(Math.Exp(logSum - top) + Math.Exp(logTerm - top));
        }

        return Math.Min(1, Math.Exp(logSum));
    }

    /// <summary>The root in (0, 1) of a monotone function, by bisection to double precision.</summary>
    private static double Solve(Func<double, double> f, bool rising)
    {
        double lo = 0, hi = 1;
        for (var i = 0; i < 200 && hi - lo > 1e-15; i++)
        {
            var mid = (lo + hi) / 2;
            if ((f(mid) < 0) == rising)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }
}
