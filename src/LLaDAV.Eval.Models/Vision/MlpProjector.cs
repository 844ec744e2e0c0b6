using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// <c>mlp2x_gelu</c> (<c>llava/model/multimodal_projector/builder.py</c>): <c>Linear → nn.GELU() → Linear</c>,
/// where <c>nn.GELU()</c> is the exact erf GELU, applied per visual token before any spatial rearrangement.
/// </summary>
internal sealed class MlpProjector : IDisposable
{
    private readonly Tensor _w0, _b0, _w2, _b2;

    public MlpProjector(string projectorType, int inputSize, int outputSize, IVisionWeights weights)
    {
        if (projectorType != "mlp2x_gelu")
        {
            throw new NotSupportedException($"mm_projector_type '{projectorType}' is not supported; LLaDA-V and its LLaMA3-V baseline use 'mlp2x_gelu'.");
        }

        _w0 = weights.Load(VisionWeightNames.Projector0Weight, outputSize, inputSize);
        _b0 = weights.Load(VisionWeightNames.Projector0Bias, outputSize);
        _w2 = weights.Load(VisionWeightNames.Projector2Weight, outputSize, outputSize);
        _b2 = weights.Load(VisionWeightNames.Projector2Bias, outputSize);
    }

    public int InputSize => _w0.Shape[1];

    public int OutputSize => _w2.Shape[0];

    public Tensor Forward(Tensor features)
    {
        var b = features.Backend;
        using var mid = b.Allocate(new TensorShape(features.RowCount, _w0.Shape[0]));
        b.MatMul(features, _w0, mid, _b0);
        b.Gelu(mid, mid, GeluKind.Erf);
        var output = b.Allocate(new TensorShape(features.RowCount, OutputSize));
        b.MatMul(mid, _w2, output, _b2);
        return output;
    }

    public void Dispose()
    {
        _w0.Dispose();
        _b0.Dispose();
        _w2.Dispose();
        _b2.Dispose();
    }
}
