using System.Runtime.CompilerServices;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// A fact that runs only where NVIDIA's NVRTC loads (<see cref="Nvrtc.Toolkit"/>: Debian's libnvrtc11.2 in CI; never the
/// emulated device's stand-in, which builds the kernels with g++); elsewhere it is skipped with the loader's reason.
/// </summary>
public sealed class ToolkitNvrtcFactAttribute : FactAttribute
{
    public ToolkitNvrtcFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Nvrtc.Toolkit(out var reason) is null)
        {
            Skip = "NVIDIA NVRTC not available: " + reason;
        }
    }
}
