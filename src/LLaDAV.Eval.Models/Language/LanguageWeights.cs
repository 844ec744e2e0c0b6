using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>One decoder layer's weights (PyTorch <c>[out, in]</c> layout, y = x·Wᵀ).</summary>
public sealed record DecoderLayerWeights(Tensor AttnNorm, Tensor Q, Tensor K, Tensor V, Tensor O, Tensor FfnNorm, Tensor Gate, Tensor Up, Tensor Down) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in new[] { AttnNorm, Q, K, V, O, FfnNorm, Gate, Up, Down })
        {
            t.Dispose();
        }
    }
}

/// <summary>All weights of a LLaMA-shaped tower: embedding, layers, final RMSNorm and the untied lm_head.</summary>
public sealed record LanguageWeights(Tensor Embedding, IReadOnlyList<DecoderLayerWeights> Layers, Tensor FinalNorm, Tensor LmHead) : IDisposable
{
    /// <summary>Loads and shape-checks every tensor against <paramref name="config"/>, in either key scheme.</summary>
    public static LanguageWeights Load(Checkpoint checkpoint, LanguageConfig config, IComputeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        var n = LanguageWeightNames.For(checkpoint);
        int h = config.HiddenSize, kv = config.KvHeads * config.HeadDim, ff = config.IntermediateSize, v = config.VocabSize;
        var layers = new List<DecoderLayerWeights>(config.Layers);
        for (var i = 0; i < config.Layers; i++)
        {
            layers.Add(new DecoderLayerWeights(
                checkpoint.Load(backend, n.AttnNorm(i), h),
                checkpoint.Load(backend, n.Q(i), h, h),
                checkpoint.Load(backend, n.K(i), kv, h),
                checkpoint.Load(backend, n.V(i), kv, h),
                checkpoint.Load(backend, n.O(i), h, h),
                checkpoint.Load(backend, n.FfnNorm(i), h),
                checkpoint.Load(backend, n.Gate(i), ff, h),
                checkpoint.Load(backend, n.Up(i), ff, h),
                checkpoint.Load(backend, n.Down(i), h, ff)));
        }

        return new LanguageWeights(
            checkpoint.Load(backend, n.Embedding, v, h),
            layers,
            checkpoint.Load(backend, n.FinalNorm, h),
            checkpoint.Load(backend, n.LmHead, v, h));
    }

    /// <summary>
    /// Bytes of weights a forward streams from memory: every layer, the final norm and lm_head (the embedding table is
    /// only gathered from). The numerator of the memory roofline of a decoding step.
    /// </summary>
    public long StreamedBytes =>
        Layers.Sum(l => new[] { l.AttnNorm, l.Q, l.K, l.V, l.O, l.FfnNorm, l.Gate, l.Up, l.Down }.Sum(Bytes)) + Bytes(FinalNorm) + Bytes(LmHead);

    private static long Bytes(Tensor t) => t.Length * DTypes.SizeOf(t.DType);

    public void Dispose()
    {
        Embedding.Dispose();
        FinalNorm.Dispose();
        LmHead.Dispose();
        foreach (var l in Layers)
        {
            l.Dispose();
        }
    }
}
