using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Interop;

/// <summary>
/// cuBLAS (https://docs.nvidia.com/cuda/cublas/) GEMMs through function pointers: <c>cublasGemmEx</c> and
/// <c>cublasGemmStridedBatchedEx</c> with bf16 (<c>CUDA_R_16BF</c>) or fp32 inputs, fp32 output and
/// <c>CUBLAS_COMPUTE_32F</c> accumulation. cuBLAS is column-major; the backend maps its row-major
/// <c>C = A·Bᵀ</c> onto <c>Cᵀ = B·Aᵀ</c> (see <see cref="CudaBackend"/>.MatMul).
/// </summary>
internal sealed unsafe class CuBlas
{
    /// <summary>Exported only by the emulated cuBLAS of tests/cuda-emulator.</summary>
    public const string EmulatorMarker = "lladavEmulatedCublas";

    public static readonly string[] Sonames = ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"];

    public const int OpN = 0;
    public const int OpT = 1;

    /// <summary>cudaDataType_t values (library_types.h).</summary>
    public const int CudaR32F = 0;
    public const int CudaR16BF = 14;

    /// <summary>cublasComputeType_t CUBLAS_COMPUTE_32F: fp32 accumulation, no TF32 down-conversion.</summary>
    public const int Compute32F = 68;

    /// <summary>CUBLAS_GEMM_DEFAULT: let cuBLAS pick the algorithm.</summary>
    public const int GemmDefault = -1;

    private const string Provider =
        "cuBLAS comes with the CUDA toolkit or NVIDIA's libcublas packages (PyTorch's pip wheels ship it too: nvidia-cublas-cu12, or nvidia/cu13/lib for CUDA 13, found automatically in the usual Python environments, or name the folder in $LLADAV_CUDA_LIBRARY_PATH): add its lib64 folder to LD_LIBRARY_PATH or set CUDA_HOME; on Debian: apt-get install libcublas12 (or libcublas11) from non-free.";

    private static readonly Lazy<CuBlas> s_instance = new(() => new CuBlas(NativeLibraryProbe.Load("cuBLAS (libcublas)", Sonames, Provider)));

    public readonly delegate* unmanaged<nint*, int> Create;
    public readonly delegate* unmanaged<nint, int> Destroy;
    public readonly delegate* unmanaged<nint, nint, int> SetStream;
    public readonly delegate* unmanaged<nint, int*, int> GetVersion;

    /// <summary>cublasGemmEx(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc, computeType, algo).</summary>
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, ulong, int, int, float*, ulong, int, int, int, int, int> GemmEx;

    /// <summary>cublasGemmStridedBatchedEx(..., A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo).</summary>
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, long, ulong, int, int, long, float*, ulong, int, int, long, int, int, int, int> GemmStridedBatchedEx;

    private readonly delegate* unmanaged<int, byte*> _getStatusString;

    private CuBlas(nint lib)
    {
        const string n = "libcublas";
        nint E(string symbol) => NativeLibraryProbe.Export(lib, n, symbol);
        Create = (delegate* unmanaged<nint*, int>)E("cublasCreate_v2");
        Destroy = (delegate* unmanaged<nint, int>)E("cublasDestroy_v2");
        SetStream = (delegate* unmanaged<nint, nint, int>)E("cublasSetStream_v2");
        GetVersion = (delegate* unmanaged<nint, int*, int>)E("cublasGetVersion_v2");
        GemmEx = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, ulong, int, int, float*, ulong, int, int, int, int, int>)E("cublasGemmEx");
        GemmStridedBatchedEx = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, long, ulong, int, int, long, float*, ulong, int, int, long, int, int, int, int>)E("cublasGemmStridedBatchedEx");

        // cublasGetStatusString exists from cuBLAS 11.4.2 on; older libraries get the numeric status only.
        _getStatusString = NativeLibrary.TryGetExport(lib, "cublasGetStatusString", out var s) ? (delegate* unmanaged<int, byte*>)s : null;
    }

    /// <summary>The process-wide binding; throws <see cref="CudaUnavailableException"/> when no libcublas loads.</summary>
    public static CuBlas Instance => s_instance.Value;

    public void Check(int status, string call)
    {
        if (status != 0)
        {
            var text = _getStatusString is null ? null : Marshal.PtrToStringUTF8((nint)_getStatusString(status));
            throw new CudaException($"{call} failed: cublasStatus_t {status}{(text is null ? string.Empty : " (" + text + ")")}.");
        }
    }
}
