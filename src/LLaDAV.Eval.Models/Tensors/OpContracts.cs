namespace LLaDAV.Eval.Models.Tensors;

/// <summary>
/// The shape contracts of <see cref="IComputeBackend"/>'s ops, checked the same way by every backend (CPU, CUDA), so
/// a model bug gives the same message whichever device runs it. Each returns the dimensions the op works with.
/// </summary>
public static class OpContracts
{
    /// <summary>Attention: q/output <c>[tq, heads·d]</c>, k/v <c>[tk, kvHeads·d]</c>, heads a multiple of kvHeads.</summary>
    public static (int Tq, int Tk, int HeadDim) Attention(Tensor q, Tensor k, Tensor v, Tensor output, AttentionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(output);
        int tq = q.RowCount, tk = k.RowCount, d = spec.HeadDim;
        int qWidth = spec.Heads * d, kvWidth = spec.KvHeads * d;
        Require(spec.KvHeads > 0 && spec.Heads % spec.KvHeads == 0, $"Attention: {spec.Heads} heads are not a multiple of {spec.KvHeads} kv heads.");
        Require(q.RowLength == qWidth && output.RowLength == qWidth && output.RowCount == tq, $"Attention: q {q.Shape} / output {output.Shape} should be [{tq}, {qWidth}].");
        Require(k.RowLength == kvWidth && v.RowLength == kvWidth && v.RowCount == tk, $"Attention: k {k.Shape} / v {v.Shape} should be [{tk}, {kvWidth}].");
        Require(tk >= tq || !spec.Causal, "Attention: a causal query block cannot be longer than its keys.");
        return (tq, tk, d);
    }

    /// <summary>BatchedMatMul: a <c>[B,M,K]</c> times b <c>[B,K,N]</c> (or <c>[B,N,K]</c> transposed) into <c>[B,M,N]</c>.</summary>
    public static (int Batch, int M, int N, int K) BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Shape.Rank == 3 && b.Shape.Rank == 3 && output.Shape.Rank == 3, "BatchedMatMul takes 3-D tensors.");
        var batch = a.Shape[0];
        int m = a.Shape[1], k = a.Shape[2];
        var n = transposeB ? b.Shape[1] : b.Shape[2];
        Require(b.Shape[0] == batch && (transposeB ? b.Shape[2] : b.Shape[1]) == k, $"BatchedMatMul: {a.Shape} and {b.Shape} do not match.");
        Require(output.Shape[0] == batch && output.Shape[1] == m && output.Shape[2] == n, $"BatchedMatMul: output {output.Shape} should be [{batch}, {m}, {n}].");
        return (batch, m, n, k);
    }

    /// <summary>RmsNorm: x and output alike, weight one row long. Returns the row length.</summary>
    public static int RmsNorm(Tensor x, Tensor weight, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(output);
        var d = x.RowLength;
        Require(weight.Length == d && output.Length == x.Length, $"RmsNorm: x {x.Shape}, weight {weight.Shape}, output {output.Shape} disagree.");
        return d;
    }

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
