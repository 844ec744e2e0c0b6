using System.Runtime.CompilerServices;
using LLaDAV.Eval.Models.Tensors.Cuda;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>A fact that needs a CUDA device (driver, cuBLAS, NVRTC and at least one GPU); skipped with the reason otherwise.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (CudaBackend.Probe() is { } reason)
        {
            Skip = "no CUDA device: " + reason;
        }
    }
}
