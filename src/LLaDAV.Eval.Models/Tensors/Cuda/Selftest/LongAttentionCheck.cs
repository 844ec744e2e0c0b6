namespace LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

/// <summary>
/// Bidirectional attention over 2048 tokens (2 heads of 128) on a candidate backend against the CPU backend. The
/// flash-style CUDA kernel never materialises the 2048×2048 score matrix; the CPU reference does. Shared by the GPU
/// test and <c>selftest</c>, so a device without the .NET SDK still runs it through the published tool.
/// </summary>
public static class LongAttentionCheck
{
    public const int Tokens = 2048;

    public static OpCheck Run(IComputeBackend reference, IComputeBackend candidate)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var random = new Random(3);
        const int heads = 2, d = 128;
        var q = new float[Tokens * heads * d];
        var k = new float[Tokens * heads * d];
        var v = new float[Tokens * heads * d];
        foreach (var a in new[] { q, k, v })
        {
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        var spec = new AttentionSpec(heads, heads, d, Causal: false);
        var expected = Attend(reference, q, k, v, spec);
        var actual = Attend(candidate, q, k, v, spec);
        return OpCheck.Compare($"Attention {Tokens} tokens bidirectional", expected, actual, 1e-5, 1e-4);
    }

    private static float[] Attend(IComputeBackend b, float[] q, float[] k, float[] v, AttentionSpec spec)
    {
        var shape = new TensorShape(Tokens, spec.Heads * spec.HeadDim);
        using var tq = b.Upload(q, shape);
        using var tk = b.Upload(k, shape);
        using var tv = b.Upload(v, shape);
        using var o = b.Allocate(shape);
        b.Attention(tq, tk, tv, o, spec);
        var host = new float[o.Length];
        b.Download(o, host);
        return host;
    }
}
