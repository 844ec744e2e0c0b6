namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>How <see cref="CudaBackend"/> stores checkpoint weights on the device.</summary>
public enum CudaWeightStorage
{
    /// <summary>
    /// The checkpoint's dtype (bf16 stays bf16: half the memory, bf16 tensor-core GEMMs whose activation operand is
    /// rounded to bf16, as a bf16 PyTorch model computes). The default for <c>--device cuda</c>.
    /// </summary>
    CheckpointDType,

    /// <summary>Widened to fp32 at upload: fp32 GEMMs, numerically the CPU backend's model (selftest's exact reference check).</summary>
    Fp32,
}
