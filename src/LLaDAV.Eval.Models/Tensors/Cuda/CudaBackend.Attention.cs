using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    /// <summary>
    /// Fused flash-style attention (<see cref="AttentionKernels"/>): bidirectional or causal, GQA, queries attending to a
    /// longer key range (KV cache, Fast-dLLM prefix), O(L) memory. Head dimensions up to
    /// <see cref="AttentionKernels.MaxHeadDim"/>.
    /// </summary>
    public void Attention(Tensor q, Tensor k, Tensor v, Tensor output, AttentionSpec spec)
    {
        var (tq, tk, d) = OpContracts.Attention(q, k, v, output, spec);
        OpContracts.Require(d > 0 && d <= AttentionKernels.MaxHeadDim, $"Attention: head dimension {d} is outside the CUDA kernel's 1..{AttentionKernels.MaxHeadDim}.");
        if (tq == 0)
        {
            return;
        }

        var blocks = (uint)((tq + AttentionKernels.QueryRowsPerBlock - 1) / AttentionKernels.QueryRowsPerBlock);
        Launch(
            "attention_flash",
            blocks,
            (uint)spec.Heads,
            (uint)ThreadsPerBlockOf("attention_flash"),
            Arg(Pointer(q)), Arg(Pointer(k)), Arg(Pointer(v)), Arg(Pointer(output)),
            Arg(tq), Arg(tk), Arg(spec.Heads), Arg(spec.KvHeads), Arg(d), Arg(spec.Scale), Arg(spec.Causal ? 1 : 0));
    }
}
