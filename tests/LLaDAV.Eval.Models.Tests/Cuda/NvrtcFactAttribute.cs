using System.Runtime.CompilerServices;
using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>A fact that runs only where libnvrtc loads; elsewhere it is reported as skipped with the loader's reason.</summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_reason = new(() =>
    {
        try
        {
            _ = Nvrtc.Instance.Version;
            return null;
        }
        catch (CudaUnavailableException e)
        {
            return "NVRTC not available: " + e.Message;
        }
    });

    public NvrtcFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (s_reason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
