namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Whether a batched forward stacks its sequences' rows into one GEMM per linear layer (weights read once for the
/// whole batch: the throughput win of batching on a GPU) or runs one GEMM per sequence.
/// </summary>
public enum BatchPacking
{
    /// <summary>Stack only when the backend's GEMM is row-invariant, so batching never changes a token.</summary>
    Exact,

    /// <summary>Always stack; a GEMM that is not row-invariant may then change the last bits of logits, and near-ties.</summary>
    Always,
}
