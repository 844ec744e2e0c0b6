namespace LLaDAV.Eval.Models.Tensors;

/// <summary>
/// The sonames the engine's native bindings try, in their order, published so <c>lladav-eval doctor</c> reports what
/// the engine itself would load rather than a second list that drifts from it.
/// </summary>
public static class NativeLibraries
{
    /// <summary>The symbols the emulated device's libcuda, libnvrtc and libcublas export to identify themselves.</summary>
    private static readonly string[] s_emulatorMarkers = [Cuda.Interop.CudaDriver.EmulatorMarker, Cuda.Interop.Nvrtc.EmulatorMarker, Cuda.Interop.CuBlas.EmulatorMarker];

    /// <summary>OpenBLAS <c>cblas_sgemm</c>, the CPU fp32 GEMM when present.</summary>
    public static IReadOnlyList<string> OpenBlas => Cpu.OpenBlasGemm.Sonames;

    /// <summary>oneDNN <c>dnnl_gemm_bf16bf16f32</c>, the CPU bf16 GEMM.</summary>
    public static IReadOnlyList<string> Dnnl => Cpu.DnnlBf16Gemm.Sonames;

    public static IReadOnlyList<string> CudaDriver => Cuda.Interop.CudaDriver.Sonames;

    public static IReadOnlyList<string> CuBlas => Cuda.Interop.CuBlas.Sonames;

    public static IReadOnlyList<string> Nvrtc => Cuda.Interop.Nvrtc.Sonames;

    /// <summary>
    /// Loads the first of <paramref name="sonames"/> the way the CUDA backend does: the dynamic loader, then the CUDA
    /// toolkit and pip-wheel folders it searches (a toolkit outside ldconfig's cache is still found).
    /// </summary>
    public static bool TryLoadCuda(IReadOnlyList<string> sonames, out string loaded) =>
        TryLoadCuda(sonames, out loaded, out _);

    /// <summary>
    /// As <see cref="TryLoadCuda(IReadOnlyList{string}, out string)"/>; <paramref name="emulated"/>: the library is the
    /// emulated CUDA device's stand-in (tests/cuda-emulator), which says so by exporting its marker symbol.
    /// </summary>
    public static bool TryLoadCuda(IReadOnlyList<string> sonames, out string loaded, out bool emulated)
    {
        var found = Cuda.Interop.NativeLibraryProbe.TryLoad(sonames, out var handle, out loaded);
        emulated = found && s_emulatorMarkers.Any(m => System.Runtime.InteropServices.NativeLibrary.TryGetExport(handle, m, out _));
        return found;
    }

}
