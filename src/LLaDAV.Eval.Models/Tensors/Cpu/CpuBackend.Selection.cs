namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    public void ArgMax(Tensor x, Tensor output)
    {
        OpContracts.ArgMax(x, output);
        var o = I(output);
        for (var r = 0; r < x.RowCount; r++)
        {
            o[r] = ArgMaxOf(Row(x, r));
        }
    }

    public void ScoreRows(Tensor logits, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence)
    {
        OpContracts.ScoreRows(logits, forbidden, ids.Length, confidence.Length);
        for (var r = 0; r < logits.RowCount; r++)
        {
            var row = MutableRow(logits, r);
            foreach (var id in forbidden)
            {
                row[id] = float.NegativeInfinity;
            }

            (ids[r], confidence[r]) = GreedyScore(row);
        }
    }

    /// <summary>
    /// First maximum and its fp64 softmax probability, <c>exp(l[x0] − max) / Σ exp(l − max)</c> summed in index order:
    /// the sampler's own formula (its host path calls this too), so device and host scoring agree bit for bit on the CPU.
    /// </summary>
    internal static (int Id, double Confidence) GreedyScore(ReadOnlySpan<float> row)
    {
        var best = ArgMaxOf(row);
        var max = double.NegativeInfinity;
        foreach (var l in row)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        foreach (var l in row)
        {
            sum += Math.Exp(l - max);
        }

        return (best, Math.Exp(row[best] - max) / sum);
    }

    /// <summary>First index of the maximum (torch.argmax tie rule); NaN never wins.</summary>
    internal static int ArgMaxOf(ReadOnlySpan<float> row)
    {
        var best = 0;
        var bestValue = float.NegativeInfinity;
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] > bestValue)
            {
                bestValue = row[i];
                best = i;
            }
        }

        return best;
    }

    public void TopK(Tensor x, int k, Tensor indices, Tensor values)
    {
        OpContracts.TopK(x, k, indices, values);
        var idx = I(indices);
        var val = F(values);
        for (var r = 0; r < x.RowCount; r++)
        {
            var row = Row(x, r);
            var baseIndex = r * k;
            var filled = 0;
            for (var i = 0; i < row.Length; i++)
            {
                var value = row[i];
                if (filled == k && !(value > val[baseIndex + k - 1]))
                {
                    continue;
                }

                // insertion into the descending list; equal values keep the earlier index first.
                var pos = filled == k ? k - 1 : filled++;
                while (pos > 0 && value > val[baseIndex + pos - 1])
                {
                    val[baseIndex + pos] = val[baseIndex + pos - 1];
                    idx[baseIndex + pos] = idx[baseIndex + pos - 1];
                    pos--;
                }

                val[baseIndex + pos] = value;
                idx[baseIndex + pos] = i;
            }
        }
    }
}
