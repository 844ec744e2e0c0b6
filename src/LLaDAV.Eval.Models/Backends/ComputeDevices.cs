using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tensors.Cuda;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// Creates the tensor backend for a <c>--device</c> string. One entry per device kind, registered here explicitly;
/// a GPU backend adds its entry without touching model code. <c>cpu</c> (OpenBLAS when present),
/// <c>cpu-managed</c> (managed SIMD GEMM only) and <c>cuda[:N]</c> (<see cref="CudaBackend"/>; its libraries load only
/// when a CUDA device is asked for) exist in this build.
/// </summary>
public static class ComputeDevices
{
    private static readonly IReadOnlyDictionary<string, Func<string, IComputeBackend>> s_factories = new Dictionary<string, Func<string, IComputeBackend>>(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = _ => new CpuBackend(),
        ["cpu-managed"] = _ => new CpuBackend(CpuGemmKind.Managed),
        ["cuda"] = CudaBackend.Create,
    };

    public static IEnumerable<string> Known => s_factories.Keys;

    /// <summary>Whether <paramref name="device"/> names a known kind (<c>cuda</c>, <c>cuda:1</c>, <c>cpu</c>, …), checked before a run starts.</summary>
    public static bool IsKnown(string device) => s_factories.ContainsKey(device.Split(':', 2)[0]);

    public static IComputeBackend Create(string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var kind = device.Split(':', 2)[0];
        if (s_factories.TryGetValue(kind, out var factory))
        {
            return factory(device);
        }

        throw new ArgumentException($"Unknown device '{device}'; known: {string.Join(", ", s_factories.Keys)}.", nameof(device));
    }
}
