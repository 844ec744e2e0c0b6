using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>A language tower with seeded random weights of any shape, for benchmarks (no checkpoint on disk).</summary>
public static class RandomLanguageModel
{
    public static LanguageModel Create(IComputeBackend backend, LanguageConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(config);
        var rng = new SplitMix64(seed);
        int h = config.HiddenSize, kv = config.KvHeads * config.HeadDim, ff = config.IntermediateSize;
        Tensor R(double std, params int[] shape)
        {
            var v = new float[new TensorShape(shape).Length];
            for (var i = 0; i < v.Length; i++)
            {
                v[i] = (float)(((rng.NextDouble() * 2) - 1) * std * Math.Sqrt(3));
            }

            return backend.Upload(v, new TensorShape(shape));
        }

        Tensor Ones(int n) => backend.Upload(Enumerable.Repeat(1f, n).ToArray(), new TensorShape(n));
        var layers = Enumerable.Range(0, config.Layers).Select(_ => new DecoderLayerWeights(
            Ones(h), R(1 / Math.Sqrt(h), h, h), R(1 / Math.Sqrt(h), kv, h), R(1 / Math.Sqrt(h), kv, h), R(1 / Math.Sqrt(h), h, h),
            Ones(h), R(1 / Math.Sqrt(h), ff, h), R(1 / Math.Sqrt(h), ff, h), R(1 / Math.Sqrt(ff), h, ff))).ToList();
        var weights = new LanguageWeights(R(1, config.VocabSize, h), layers, Ones(h), R(4 / Math.Sqrt(h), config.VocabSize, h));
        return new LanguageModel(backend, config, weights);
    }
}
