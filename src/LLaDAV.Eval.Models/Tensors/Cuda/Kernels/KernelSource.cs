using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// One CUDA C translation unit of the project's kernels: <see cref="CommonKernels.Source"/> followed by its own code,
/// compiled by NVRTC into one module. <see cref="Functions"/> are its <c>extern "C" __global__</c> entry points, read
/// from the code itself: a kernel's name is written once, where it is defined (and where it is launched), never in a
/// list beside it that could drift.
/// </summary>
internal sealed partial record KernelSource(string Name, string Code)
{
    /// <summary>The entry points, in the order the code defines them (computed, so <c>with { Code = ... }</c> stays true).</summary>
    public ImmutableArray<string> Functions => [.. EntryPoint().Matches(Code).Select(m => m.Groups["name"].Value)];

    /// <summary>The full translation unit handed to NVRTC (no headers: NVRTC has none without a toolkit).</summary>
    public string FullSource => CommonKernels.Source + "\n" + Code;

    // extern "C" __global__ void [__launch_bounds__(N[, M])] name(
    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex EntryPoint();
}

/// <summary>Every kernel module, in one list so the compile-all test and the backend see the same set.</summary>
internal static class KernelSources
{
    public static ImmutableArray<KernelSource> All { get; } =
    [
        ElementwiseKernels.Module,
        NormKernels.Module,
        RopeKernels.Module,
        AttentionKernels.Module,
        SelectionKernels.Module,
        VisionKernels.Module,
    ];
}
