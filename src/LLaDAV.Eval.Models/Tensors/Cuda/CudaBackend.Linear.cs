using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed unsafe partial class CudaBackend
{
    /// <summary>
    /// <c>output[M,N] = x[M,K]·Wᵀ</c> with W row-major <c>[N,K]</c>. cuBLAS is column-major, where row-major W is the
    /// K×N matrix Wᵀ and row-major x is the K×M matrix xᵀ, so the call computes the column-major N×M matrix
    /// <c>outputᵀ = op(Wcol)ᵀ·xᵀ</c>: transa = T, transb = N, m = N, n = M, lda = ldb = K, ldc = N.
    /// </summary>
    public void MatMul(Tensor x, Tensor weight, Tensor output, Tensor? bias = null)
    {
        var (m, n, k) = OpContracts.MatMul(x, weight, output, bias);
        if (m > 0 && n > 0)
        {
            var (a, type) = GemmOperand(x, weight.DType);
            Gemm(CuBlas.OpT, n, m, k, Pointer(weight), type, k, 0, a, k, 0, Pointer(output), n, 0, 1);
        }

        if (bias is not null)
        {
            AddBias(output, bias);
        }
    }

    /// <summary>
    /// Per batch <c>output[b] = a[b]·op(b[b])</c> through cublasGemmStridedBatchedEx, with the same row/column-major
    /// mapping as <see cref="MatMul"/>: transposeB means b is <c>[B,N,K]</c> (transa = T, lda = K), otherwise
    /// <c>[B,K,N]</c> (transa = N, lda = N).
    /// </summary>
    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        var (batch, m, n, k) = OpContracts.BatchedMatMul(a, b, output, transposeB);
        if (batch == 0 || m == 0 || n == 0)
        {
            return;
        }

        var (aPointer, type) = GemmOperand(a, b.DType);
        Gemm(transposeB ? CuBlas.OpT : CuBlas.OpN, n, m, k, Pointer(b), type, transposeB ? k : n, (long)n * k, aPointer, k, (long)m * k, Pointer(output), n, (long)m * n, batch);
    }

    /// <summary>
    /// The activation operand in the weight's type: fp32 as is, or rounded to bf16 in scratch memory for a bf16 weight
    /// (cublasGemmEx takes both inputs in one type; the product still accumulates in fp32).
    /// </summary>
    private (ulong Pointer, int CudaType) GemmOperand(Tensor activation, DType weightType)
    {
        switch (weightType)
        {
            case DType.F32:
                return (Pointer(activation), CuBlas.CudaR32F);
            case DType.BF16:
                var scratch = Scratch(activation.Length * 2);
                Launch("f32_to_bf16", Blocks(activation.Length), 1, ThreadsPerBlock, Arg(Pointer(activation)), Arg(scratch), Arg(activation.Length));
                return (scratch, CuBlas.CudaR16BF);
            default:
                throw new ArgumentException($"GEMM weights are fp32 or bf16, not {weightType}.", nameof(weightType));
        }
    }

    /// <summary>Column-major <c>C = op(A)·B</c> (batched when batch &gt; 1), fp32 output, CUBLAS_COMPUTE_32F.</summary>
    private void Gemm(int transA, int m, int n, int k, ulong a, int type, int lda, long strideA, ulong b, int ldb, long strideB, ulong c, int ldc, long strideC, int batch)
    {
        _context.MakeCurrent();
        var alpha = 1f;
        var beta = 0f;
        if (batch == 1)
        {
            _cublas.Check(
                _cublas.GemmEx(_cublasHandle, transA, CuBlas.OpN, m, n, k, &alpha, a, type, lda, b, type, ldb, &beta, c, CuBlas.CudaR32F, ldc, CuBlas.Compute32F, CuBlas.GemmDefault),
                "cublasGemmEx");
        }
        else
        {
            _cublas.Check(
                _cublas.GemmStridedBatchedEx(_cublasHandle, transA, CuBlas.OpN, m, n, k, &alpha, a, type, lda, strideA, b, type, ldb, strideB, &beta, c, CuBlas.CudaR32F, ldc, strideC, batch, CuBlas.Compute32F, CuBlas.GemmDefault),
                "cublasGemmStridedBatchedEx");
        }
    }
}
