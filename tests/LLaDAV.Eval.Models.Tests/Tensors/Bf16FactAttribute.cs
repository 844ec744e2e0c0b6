using System.Runtime.CompilerServices;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Tensors;

/// <summary>A fact skipped, with the reason shown, where the CPU bf16 path cannot run (no AVX512-BF16, or no libdnnl2).</summary>
public sealed class Bf16FactAttribute : FactAttribute
{
    public Bf16FactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (CpuBackend.Bf16UnavailableReason is { } why)
        {
            Skip = why;
        }
    }
}
