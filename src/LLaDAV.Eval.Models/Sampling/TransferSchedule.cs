namespace LLaDAV.Eval.Models.Sampling;

/// <summary>How many masked positions each step of a block commits (LLaDA generate.py get_num_transfer_tokens).</summary>
public static class TransferSchedule
{
    /// <summary>
    /// <c>base = n / steps</c>; the first <c>n % steps</c> steps get <c>base + 1</c> (remainder first), docs/LLADAV-MODEL.md §6.1.
    /// </summary>
    public static int[] Counts(int maskedInBlock, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(maskedInBlock);
        var counts = new int[steps];
        var b = maskedInBlock / steps;
        var remainder = maskedInBlock % steps;
        for (var i = 0; i < steps; i++)
        {
            counts[i] = b + (i < remainder ? 1 : 0);
        }

        return counts;
    }

    /// <summary>
    /// Fast-dLLM threshold rule (§8.1, get_transfer_index with threshold τ): always the most confident candidate,
    /// plus every other candidate whose confidence is at least τ. Input sorted descending; returns how many to commit.
    /// </summary>
    public static int ThresholdCount(ReadOnlySpan<double> sortedDescending, double threshold)
    {
        if (sortedDescending.Length == 0)
        {
            return 0;
        }

        var k = 1;
        while (k < sortedDescending.Length && sortedDescending[k] >= threshold)
        {
            k++;
        }

        return k;
    }

    /// <summary>
    /// Fast-dLLM factor rule (§8.1, get_transfer_index_dynamic): thresholds <c>t_1 = −1</c>, <c>t_n = 1 − f/(n+1)</c>;
    /// commit the candidates before the first failure <c>c_n &lt; t_n</c>; commit all N when nothing fails or when the
    /// first failure is the last candidate (upstream's off-by-one, kept for parity).
    /// </summary>
    public static int FactorCount(ReadOnlySpan<double> sortedDescending, double factor)
    {
        var n = sortedDescending.Length;
        for (var i = 1; i < n; i++)
        {
            // candidate i (0-based) is the (i+1)-th, threshold 1 − f/((i+1)+1)
            var t = 1.0 - (factor / (i + 2));
            if (sortedDescending[i] < t)
            {
                return i == n - 1 ? n : i;
            }
        }

        return n;
    }
}
