using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>One module compiled for one architecture: the PTX and compiler log, or the error.</summary>
internal sealed record KernelCompileResult(string Module, int Arch, string Ptx, string Log, string? Error)
{
    public bool Clean => Error is null && Log.Length == 0;
}

/// <summary>
/// Compiles every kernel module with NVIDIA's NVRTC (<see cref="Nvrtc.Toolkit"/>, never the emulated device's g++
/// stand-in; bypassing the cache) — the check CI runs without a GPU and that <c>selftest</c> reports first. Needs only
/// libnvrtc.
/// </summary>
internal static class KernelCompileCheck
{
    /// <summary>Volta, Ampere and Hopper: the virtual architectures the compile check targets when NVRTC supports them.</summary>
    public static IReadOnlyList<int> Preferred { get; } = [70, 80, 90];

    /// <summary>
    /// <see cref="Preferred"/> as far as the loaded NVRTC supports them (NVRTC 11.8, Debian's libnvrtc11.2, takes all
    /// three); an NVRTC that dropped Volta (CUDA 13) gets its oldest supported architecture instead of 70.
    /// </summary>
    public static IReadOnlyList<int> Architectures(Nvrtc nvrtc)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        var supported = nvrtc.SupportedArchitectures();
        var archs = Preferred.Where(supported.Contains).ToList();
        if (!archs.Contains(Preferred[0]) && supported.Count > 0)
        {
            archs.Insert(0, supported.Min());
        }

        return archs;
    }

    /// <summary>NVIDIA's NVRTC, or <see cref="CudaUnavailableException"/> saying why there is none.</summary>
    public static Nvrtc Compiler => Nvrtc.Toolkit(out var reason) ?? throw new CudaUnavailableException("libnvrtc", reason ?? "no NVIDIA NVRTC");

    public static IReadOnlyList<KernelCompileResult> Run(Nvrtc nvrtc, IEnumerable<int> architectures)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        var results = new List<KernelCompileResult>();
        foreach (var arch in architectures)
        {
            foreach (var module in KernelSources.All)
            {
                try
                {
                    var (ptx, log) = nvrtc.CompileToPtx(module.FullSource, module.Name + ".cu", arch);
                    results.Add(new KernelCompileResult(module.Name, arch, ptx, log, null));
                }
                catch (CudaException e)
                {
                    results.Add(new KernelCompileResult(module.Name, arch, string.Empty, string.Empty, e.Message));
                }
            }
        }

        return results;
    }
}
