namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>What the CPU backend computes its weight GEMMs in (<c>--dtype</c>).</summary>
public enum CpuComputeType
{
    /// <summary>Weights widened to fp32, fp32 GEMMs: the CPU default, numerically the reference traces' model.</summary>
    Fp32,

    /// <summary>
    /// bf16 weight matrices and bf16 GEMMs with fp32 accumulation, activations rounded to bf16 at the GEMM input (the
    /// GPU path's and a bf16 PyTorch model's semantics); norms, softmax, attention and residuals stay fp32.
    /// </summary>
    Bf16,
}
