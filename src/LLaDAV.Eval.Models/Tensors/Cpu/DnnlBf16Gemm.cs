using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// oneDNN's public C GEMM <c>dnnl_gemm_bf16bf16f32</c> (Debian <c>libdnnl2</c>, oneDNN 2.6): row-major
/// <c>C[M,N] = A[M,K]·Bᵀ</c> with bf16 inputs and fp32 accumulation and output, on AVX512-BF16 <c>vdpbf16ps</c>
/// kernels where the CPU has them. Chosen over OpenBLAS because Debian 12's OpenBLAS 0.3.21 is built without
/// <c>BUILD_BFLOAT16</c> (no <c>cblas_sbgemm</c> export) and .NET 10 has no AVX512-BF16 intrinsics for a managed kernel;
/// it is the library LibTorch's own CPU bf16 matmul dispatches to. Loaded lazily; absent library → null.
/// </summary>
internal sealed unsafe class DnnlBf16Gemm
{
    /// <summary>Tried in order; <c>lladav-eval doctor</c> reports the same names (through <see cref="NativeLibraries"/>).</summary>
    internal static readonly string[] Sonames = ["libdnnl.so.2", "libdnnl.so.3", "libdnnl.so"];

    private static readonly Lazy<DnnlBf16Gemm?> s_instance = new(Load);

    private readonly delegate* unmanaged<sbyte, sbyte, long, long, long, float, ushort*, long, ushort*, long, float, float*, long, int> _gemm;

    private DnnlBf16Gemm(nint gemm, string library)
    {
        _gemm = (delegate* unmanaged<sbyte, sbyte, long, long, long, float, ushort*, long, ushort*, long, float, float*, long, int>)gemm;
        Library = library;
    }

    public static DnnlBf16Gemm? Instance => s_instance.Value;

    public string Library { get; }

    public string Name => $"oneDNN dnnl_gemm_bf16bf16f32 ({Library})";

    /// <summary>
    /// <c>C[M,N] = A[M,K] · op(B)</c>, op(B) = Bᵀ (B stored <c>[N,K]</c>) when <paramref name="transposeB"/>, else B
    /// (<c>[K,N]</c>); A and B are bf16 bits, C fp32.
    /// </summary>
    public void Gemm(bool transposeB, int m, int n, int k, ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (ushort* pa = a, pb = b)
        fixed (float* pc = c)
        {
            var status = _gemm((sbyte)'N', (sbyte)(transposeB ? 'T' : 'N'), m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, ldc);
            if (status != 0)
            {
                // dnnl_status_t: 1 out_of_memory, 2 invalid_arguments, 3 unimplemented (no bf16 kernel for this ISA)
                throw new InvalidOperationException($"dnnl_gemm_bf16bf16f32 failed with dnnl_status_t {status} for M={m} N={n} K={k}; run with --dtype fp32.");
            }
        }
    }

    private static DnnlBf16Gemm? Load()
    {
        foreach (var name in Sonames)
        {
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "dnnl_gemm_bf16bf16f32", out var fn))
            {
                return new DnnlBf16Gemm(fn, name);
            }
        }

        return null;
    }
}
