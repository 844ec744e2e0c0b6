using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The SigLIP vision tower as LLaVA-NeXT runs it (<c>llava/model/multimodal_encoder/siglip_encoder.py</c>,
/// docs/LLADAV-MODEL.md §3.2): valid 14×14/14 patch convolution (as a GEMM over unfolded patches), learned absolute
/// position embeddings, the pre-LN encoder layers the checkpoint holds (LLaVA deletes the last of the 27 at load, so
/// the published checkpoint stores 26), and the last hidden state <b>without</b> <c>post_layernorm</c>; the
/// attention-pooling head is never run.
/// </summary>
internal sealed class SigLipVisionTower : IDisposable
{
    /// <summary>Crops per pass, bounding activation memory (a 6×6 anyres image has 37 crops).</summary>
    private const int CropsPerPass = 8;

    private readonly IComputeBackend _backend;
    private readonly SigLipTowerConfig _config;
    private readonly Tensor _patchWeight, _patchBias, _positions;
    private readonly SigLipEncoderLayer[] _layers;

    public SigLipVisionTower(IComputeBackend backend, SigLipTowerConfig config, IVisionWeights weights)
    {
        _backend = backend;
        _config = config;
        _patchWeight = weights.Load(VisionWeightNames.PatchWeight, config.HiddenSize, config.NumChannels, config.PatchSize, config.PatchSize);
        _patchBias = weights.Load(VisionWeightNames.PatchBias, config.HiddenSize);
        _positions = weights.Load(VisionWeightNames.PositionEmbedding, config.NumPatches, config.HiddenSize);

        var count = 0;
        while (count < config.NumHiddenLayers && weights.Contains(VisionWeightNames.Layer(count, "layer_norm1.weight")))
        {
            count++;
        }

        if (count == 0)
        {
            throw new InvalidDataException($"No vision encoder layers under '{VisionWeightNames.TowerPrefix}encoder.layers.'.");
        }

        _layers = [.. Enumerable.Range(0, count).Select(i => new SigLipEncoderLayer(weights, i, config))];
    }

    public int LayerCount => _layers.Length;

    public int HiddenSize => _config.HiddenSize;

    public int PatchesPerCrop => _config.NumPatches;

    /// <summary>Encodes every crop; returns <c>[crops·patches, hidden]</c>, crop after crop, patches row-major.</summary>
    public Tensor Forward(CropBatch crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        if (crops.Size != _config.ImageSize)
        {
            throw new ArgumentException($"The tower takes {_config.ImageSize}px crops, got {crops.Size}px.", nameof(crops));
        }

        var patches = PatchesPerCrop;
        var output = _backend.Allocate(new TensorShape(crops.Count * patches, HiddenSize));
        for (var first = 0; first < crops.Count; first += CropsPerPass)
        {
            var n = Math.Min(CropsPerPass, crops.Count - first);
            ForwardChunk(crops, first, n, output.Rows(first * patches, n * patches));
        }

        return output;
    }

    private void ForwardChunk(CropBatch crops, int first, int count, Tensor hidden)
    {
        var patches = PatchesPerCrop;
        var p = _config.PatchSize;
        var unfoldedWidth = _config.NumChannels * p * p;
        using (var pixels = _backend.Allocate(new TensorShape(_config.NumChannels, crops.Size, crops.Size)))
        using (var unfolded = _backend.Allocate(new TensorShape(count * patches, unfoldedWidth)))
        {
            for (var i = 0; i < count; i++)
            {
                _backend.Write(pixels, crops.Crop(first + i));
                _backend.Im2ColPatches(pixels, p, unfolded.Rows(i * patches, patches));
            }

            // Conv2d(kernel = stride = patch, valid) == unfolded patches · weight[out, C·p·p]ᵀ + bias.
            _backend.MatMul(unfolded, _patchWeight, hidden, _patchBias);
        }

        for (var i = 0; i < count; i++)
        {
            var crop = hidden.Rows(i * patches, patches);
            _backend.Add(crop, _positions, crop);
        }

        var spec = new AttentionSpec(_config.NumAttentionHeads, _config.NumAttentionHeads, _config.HeadDim, Causal: false);
        using var scratch = new LayerScratch(_backend, count * patches, HiddenSize, _layers[0].IntermediateSize);
        foreach (var layer in _layers)
        {
            layer.Forward(hidden, patches, spec, _config.LayerNormEps, scratch);
        }
    }

    public void Dispose()
    {
        _patchWeight.Dispose();
        _patchBias.Dispose();
        _positions.Dispose();
        foreach (var l in _layers)
        {
            l.Dispose();
        }
    }
}
