using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// <c>cblas_sgemm</c> from OpenBLAS (Debian <c>libopenblas0-pthread</c>), loaded lazily; absent library → null.
/// </summary>
internal sealed unsafe class OpenBlasGemm : IGemm
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    /// <summary>Tried in order; <c>lladav-eval doctor</c> reports the same names (through <see cref="NativeLibraries"/>).</summary>
    internal static readonly string[] Sonames = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"];

    private static readonly Lazy<OpenBlasGemm?> s_instance = new(Load);

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private OpenBlasGemm(nint sgemm, string library)
    {
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        Library = library;
    }

    public static OpenBlasGemm? Instance => s_instance.Value;

    public string Library { get; }

    public string Name => $"OpenBLAS cblas_sgemm ({Library})";

    /// <summary>
    /// Measured false with Debian bookworm's OpenBLAS 0.3.21: a row's result at M ≥ 16 differs in the last bits from the
    /// same row at M = 1 (the kernel and its blocking are picked by shape).
    /// </summary>
    public bool RowInvariant => false;

    public void Sgemm(bool transposeB, int m, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            _sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, m, n, k, 1f, pa + aOffset, lda, pb + bOffset, ldb, 0f, pc + cOffset, ldc);
        }
    }

    private static OpenBlasGemm? Load()
    {
        foreach (var name in Sonames)
        {
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var fn))
            {
                return new OpenBlasGemm(fn, name);
            }
        }

        return null;
    }
}
