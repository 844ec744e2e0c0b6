using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>The vision stack's view of a checkpoint: tensors uploaded to one backend, shapes checked by <see cref="Checkpoint.Load"/>.</summary>
public sealed class CheckpointVisionWeights(Checkpoint checkpoint, IComputeBackend backend) : IVisionWeights
{
    public bool Contains(string name) => checkpoint.Contains(name);

    public Tensor Load(string name, params int[] shape) => checkpoint.Load(backend, name, shape);
}
