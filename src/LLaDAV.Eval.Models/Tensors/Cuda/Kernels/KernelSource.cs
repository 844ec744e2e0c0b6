using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// One CUDA C translation unit of the project's kernels: <see cref="CommonKernels.Source"/> followed by its own code,
/// compiled by NVRTC into one module. <see cref="Functions"/> lists the <c>extern "C" __global__</c> entry points.
/// </summary>
internal sealed record KernelSource(string Name, string Code, ImmutableArray<string> Functions)
{
    /// <summary>The full translation unit handed to NVRTC (no headers: NVRTC has none without a toolkit).</summary>
    public string FullSource => CommonKernels.Source + "\n" + Code;
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
