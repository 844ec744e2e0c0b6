using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>Vision weights read from a checkpoint folder and uploaded to a backend, shape-checked.</summary>
public sealed class CheckpointVisionWeights(Checkpoint checkpoint, IComputeBackend backend) : IVisionWeights
{
    public bool Contains(string name) => checkpoint.Contains(name);

    public Tensor Load(string name, params int[] shape) => checkpoint.Load(backend, name, shape);
}
