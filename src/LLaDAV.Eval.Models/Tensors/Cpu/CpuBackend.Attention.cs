using System.Numerics.Tensors;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    [ThreadStatic]
    private static float[]? t_scores;

    public void Attention(Tensor q, Tensor k, Tensor v, Tensor output, AttentionSpec spec)
    {
        var (tq, tk, d) = OpContracts.Attention(q, k, v, output, spec);
        int qWidth = spec.Heads * d, kvWidth = spec.KvHeads * d;
        if (tq == 0)
        {
            return;
        }

        var size = (long)tq * tk;
        var scores = t_scores;
        if (scores is null || scores.LongLength < size)
        {
            scores = new float[Math.Max(size, 1024)];
            t_scores = scores;
        }

        var group = spec.Heads / spec.KvHeads;
        var scale = spec.Scale;
        var offset = tk - tq;
        for (var h = 0; h < spec.Heads; h++)
        {
            var g = h / group;
            _gemm.Sgemm(true, tq, tk, d, Array(q), q.Offset + ((long)h * d), qWidth, Array(k), k.Offset + ((long)g * d), kvWidth, scores, 0, tk);
            var s = scores;
            ForRows(tq, tk, i =>
            {
                var row = s.AsSpan(i * tk, tk);
                TensorPrimitives.Multiply(row, scale, row);
                if (spec.Causal && offset + i + 1 < tk)
                {
                    row[(offset + i + 1)..].Fill(float.NegativeInfinity);
                }

                SoftmaxInPlace(row);
            });
            _gemm.Sgemm(false, tq, d, tk, s, 0, tk, Array(v), v.Offset + ((long)g * d), kvWidth, Array(output), output.Offset + ((long)h * d), qWidth);
        }
    }
}
