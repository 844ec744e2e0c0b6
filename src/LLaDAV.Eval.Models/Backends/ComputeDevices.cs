using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tensors.Cuda;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// Creates the tensor backend for a <c>--device</c> string and an optional <c>--dtype</c>. One entry per device kind,
/// registered here explicitly; a GPU backend adds its entry without touching model code. <c>cpu</c> (OpenBLAS when
/// present), <c>cpu-managed</c> (managed SIMD GEMM only) and <c>cuda[:N]</c> (<see cref="CudaBackend"/>; its libraries
/// load only when a CUDA device is asked for) exist in this build. The dtype is what the weight GEMMs compute in:
/// <c>fp32</c> (the CPU default: the reference traces' numerics) or <c>bf16</c> (the GPU default; on the CPU it needs
/// AVX512-BF16 and oneDNN, and asking for it elsewhere is one clear error, not a silent fp32 run).
/// </summary>
public static class ComputeDevices
{
    private static readonly IReadOnlyDictionary<string, Func<string, ComputeDType?, IComputeBackend>> s_factories = new Dictionary<string, Func<string, ComputeDType?, IComputeBackend>>(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = (_, t) => new CpuBackend(CpuGemmKind.Auto, Cpu(t)),
        ["cpu-managed"] = (_, t) => new CpuBackend(CpuGemmKind.Managed, Cpu(t)),
        ["cuda"] = (d, t) => CudaBackend.Create(d, t == ComputeDType.Fp32 ? CudaWeightStorage.Fp32 : CudaWeightStorage.CheckpointDType),
    };

    public static IEnumerable<string> Known => s_factories.Keys;

    /// <summary>
    /// Whether <paramref name="device"/> names a known kind (<c>cuda</c>, <c>cuda:1</c>, <c>cpu</c>, …), checked before a
    /// run starts. A <c>cuda:</c> index must be a non-negative integer: <c>cuda:abc</c> passed this check and then
    /// failed inside the backend as an internal error.
    /// </summary>
    public static bool IsKnown(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var parts = device.Split(':', 2);
        return s_factories.ContainsKey(parts[0])
            && (parts.Length == 1 || !parts[0].Equals("cuda", StringComparison.OrdinalIgnoreCase)
                || int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    public static IComputeBackend Create(string device) => Create(device, null);

    /// <summary><paramref name="dtype"/>: <c>fp32</c>, <c>bf16</c> or null for the device's default.</summary>
    public static IComputeBackend Create(string device, string? dtype)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var type = ParseDType(dtype);
        var kind = device.Split(':', 2)[0];
        if (s_factories.TryGetValue(kind, out var factory))
        {
            return factory(device, type);
        }

        throw new ArgumentException($"Unknown device '{device}'; known: {string.Join(", ", s_factories.Keys)}.", nameof(device));
    }

    /// <summary>Null for the device default; fp32/float32 and bf16/bfloat16 (torch's names) are accepted.</summary>
    public static ComputeDType? ParseDType(string? dtype) => dtype?.ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "fp32" or "float32" or "f32" => ComputeDType.Fp32,
        "bf16" or "bfloat16" => ComputeDType.Bf16,
        _ => throw new ArgumentException($"--dtype {dtype} is not known; use fp32 or bf16 (or auto: fp32 on the CPU, the checkpoint's bf16 on a GPU)."),
    };

    private static CpuComputeType Cpu(ComputeDType? type) => type == ComputeDType.Bf16 ? CpuComputeType.Bf16 : CpuComputeType.Fp32;
}

/// <summary>The compute dtype of the weight GEMMs, as <c>--dtype</c> names it.</summary>
public enum ComputeDType
{
    Fp32,
    Bf16,
}
