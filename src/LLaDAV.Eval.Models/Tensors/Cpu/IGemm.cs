namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// Single-precision row-major GEMM <c>C[M,N] = A[M,K] · op(B)</c> with leading dimensions, op(B) = Bᵀ when
/// <c>transposeB</c> (B stored <c>[N,K]</c>, the PyTorch weight layout) else B (<c>[K,N]</c>).
/// Arrays plus offsets rather than spans so implementations can fan out across threads.
/// </summary>
internal interface IGemm
{
    string Name { get; }

    /// <summary>
    /// True when each output row's bits depend on its own row of A only, not on M or the row's position: the condition
    /// for packing several sequences into one GEMM without changing any sequence's result.
    /// </summary>
    bool RowInvariant { get; }

    void Sgemm(bool transposeB, int m, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc);
}
