using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>The checkpoint tensors the vision stack reads, already on the compute backend.</summary>
public interface IVisionWeights
{
    bool Contains(string name);

    /// <summary>The named tensor uploaded to the backend; throws when its shape is not <paramref name="shape"/>.</summary>
    Tensor Load(string name, params int[] shape);
}
