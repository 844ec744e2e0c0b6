namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// Single-precision row-major GEMM <c>C[M,N] = A[M,K] · op(B)</c> with leading dimensions, op(B) = Bᵀ when
/// <c>transposeB</c> (B stored <c>[N,K]</c>, the PyTorch weight layout) else B (<c>[K,N]</c>).
/// Arrays plus offsets rather than spans so implementations can fan out across threads.
/// </summary>
internal interface IGemm
{
    string Name { get; }

    void Sgemm(bool transposeB, int m, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc);
}
