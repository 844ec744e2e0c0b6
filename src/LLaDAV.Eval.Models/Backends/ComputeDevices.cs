using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// Creates the tensor backend for a <c>--device</c> string. One entry per device kind, registered here explicitly;
/// a GPU backend adds its entry without touching model code. <c>cpu</c> (OpenBLAS when present) and
/// <c>cpu-managed</c> (managed SIMD GEMM only) exist in this build.
/// </summary>
public static class ComputeDevices
{
    private static readonly Dictionary<string, Func<string, IComputeBackend>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = _ => new CpuBackend(),
        ["cpu-managed"] = _ => new CpuBackend(CpuGemmKind.Managed),
    };

    public static IReadOnlyCollection<string> Known => s_factories.Keys;

    /// <summary>Adds a device kind (the part before an optional <c>:N</c>).</summary>
    public static void Register(string kind, Func<string, IComputeBackend> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(factory);
        s_factories[kind] = factory;
    }

    public static IComputeBackend Create(string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var kind = device.Split(':', 2)[0];
        if (s_factories.TryGetValue(kind, out var factory))
        {
            return factory(device);
        }

        if (kind.Equals("cuda", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Device '{device}': the CUDA backend is not available in this build; use --device cpu.");
        }

        throw new ArgumentException($"Unknown device '{device}'; known: {string.Join(", ", s_factories.Keys)}.", nameof(device));
    }
}
