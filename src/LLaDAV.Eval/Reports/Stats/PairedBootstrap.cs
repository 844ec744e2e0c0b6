namespace LLaDAV.Eval.Reports.Stats;

/// <summary>The bootstrap distribution's summary for a paired difference of means.</summary>
/// <param name="Delta">The observed mean of (new − base).</param>
/// <param name="Lower">The lower bound: the K-th smallest resampled delta, K = ⌈(1 − confidence)/2 · iterations⌉.</param>
/// <param name="Upper">The upper bound: the K-th largest.</param>
/// <param name="Confidence">The interval's nominal coverage, e.g. 0.95.</param>
/// <param name="Iterations">Resamples drawn.</param>
/// <param name="Seed">The generator's seed, so the interval can be reproduced.</param>
/// <param name="PValue">Two-sided bootstrap p-value: 2·min(share of resampled deltas ≤ 0, share ≥ 0), capped at 1.</param>
public sealed record BootstrapInterval(double Delta, double Lower, double Upper, double Confidence, int Iterations, int Seed, double PValue);

/// <summary>
/// The paired bootstrap (Efron 1979; percentile interval, Efron &amp; Tibshirani 1993 §13.3): resample documents
/// with replacement, keeping each document's pair of scores together, and read the interval off the percentiles
/// of the resampled mean differences. Pairing removes the between-document variance the two runs share (Koehn
/// 2004 uses the same scheme for MT significance). The bounds are order statistics chosen so that the interval
/// excludes 0 exactly when <see cref="BootstrapInterval.PValue"/> &lt; 1 − confidence: the interval and the test
/// are one decision, never two that can disagree on a row.
/// </summary>
public static class PairedBootstrap
{
    public static BootstrapInterval Run(IReadOnlyList<double> baseScores, IReadOnlyList<double> newScores, int iterations, int seed, double confidence)
    {
        ArgumentNullException.ThrowIfNull(baseScores);
        ArgumentNullException.ThrowIfNull(newScores);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (baseScores.Count != newScores.Count || baseScores.Count == 0)
        {
            throw new ArgumentException("The paired bootstrap needs two equally long, non-empty score lists.", nameof(newScores));
        }

        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie strictly between 0 and 1.");
        }

        var n = baseScores.Count;
        var diffs = new double[n];
        for (var i = 0; i < n; i++)
        {
            diffs[i] = newScores[i] - baseScores[i];
        }

        var delta = diffs.Average();

        // System.Random with a seed is the documented, stable legacy generator: the same seed gives the same interval.
        var random = new Random(seed);
        var means = new double[iterations];
        int atMostZero = 0, atLeastZero = 0;
        for (var b = 0; b < iterations; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += diffs[random.Next(n)];
            }

            var mean = sum / n;
            means[b] = mean;
            atMostZero += mean <= 0 ? 1 : 0;
            atLeastZero += mean >= 0 ? 1 : 0;
        }

        Array.Sort(means);

        // With c resampled deltas ≤ 0, means[K-1] > 0 iff c < K, i.e. iff c < tail·B for integer c (K = ⌈tail·B⌉);
        // likewise at the top. So "interval excludes 0" iff 2·min(c, d)/B < 2·tail = 1 − confidence iff p < 1 − confidence.
        var k = TailCount(confidence, iterations);
        var p = Math.Min(1, 2.0 * Math.Min(atMostZero, atLeastZero) / iterations);
        return new BootstrapInterval(delta, means[k - 1], means[iterations - k], confidence, iterations, seed, p);
    }

    /// <summary>K = ⌈(1 − confidence)/2 · iterations⌉, the rank of each bound; at least 1 resample must lie beyond each.</summary>
    public static int TailCount(double confidence, int iterations)
    {
        var k = (int)Math.Ceiling((((1 - confidence) / 2) * iterations) - 1e-9);
        return k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(iterations), iterations,
            $"{iterations} resamples are too few for a {confidence:P2} interval: each tail needs at least one (use at least {(int)Math.Ceiling(2 / (1 - confidence))}).");
    }

    /// <summary>The q-quantile of sorted values with linear interpolation between order statistics (type 7, numpy's default).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
