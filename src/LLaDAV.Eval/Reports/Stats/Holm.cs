namespace LLaDAV.Eval.Reports.Stats;

/// <summary>
/// Holm's step-down correction for multiple comparisons (Holm 1979, "A simple sequentially rejective multiple test
/// procedure"): with p-values sorted ascending p_(1) ≤ … ≤ p_(m), the adjusted value is
/// p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). Rejecting where p̃ &lt; α controls the family-wise error rate at α.
/// </summary>
public static class Holm
{
    /// <summary>Adjusted p-values in the input's order.</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }
}
