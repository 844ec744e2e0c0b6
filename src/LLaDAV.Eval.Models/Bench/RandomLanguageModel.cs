using System.Runtime.InteropServices;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>
/// A language tower with seeded random weights of any shape, for benchmarks (no checkpoint on disk). Weights are made
/// in bf16, the dtype of the published checkpoints, and handed to the backend as a checkpoint's would be
/// (<see cref="IComputeBackend.UploadWeights"/>): the fp32 CPU backend widens them, bf16 CPU and GPU backends keep bf16, so a
/// GPU benchmark measures the bf16 GEMMs a real model runs. Values come from a counter-based hash of (seed, tensor,
/// element), so tensors of billions of elements are filled in parallel and the same on every run.
/// </summary>
public static class RandomLanguageModel
{
    private const int ChunkElements = 1 << 20;

    public static LanguageModel Create(IComputeBackend backend, LanguageConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(config);
        int h = config.HiddenSize, kv = config.KvHeads * config.HeadDim, ff = config.IntermediateSize;
        var tensorIndex = 0UL;
        Tensor R(double std, params int[] shape) => Uniform(backend, new TensorShape(shape), (float)(std * Math.Sqrt(3)), seed, tensorIndex++);
        Tensor Ones(int n) => backend.UploadWeights(MemoryMarshal.AsBytes(Enumerable.Repeat(DTypes.ToBFloat16Bits(1f), n).ToArray().AsSpan()), DType.BF16, new TensorShape(n));
        var layers = Enumerable.Range(0, config.Layers).Select(_ => new DecoderLayerWeights(
            Ones(h), R(1 / Math.Sqrt(h), h, h), R(1 / Math.Sqrt(h), kv, h), R(1 / Math.Sqrt(h), kv, h), R(1 / Math.Sqrt(h), h, h),
            Ones(h), R(1 / Math.Sqrt(h), ff, h), R(1 / Math.Sqrt(h), ff, h), R(1 / Math.Sqrt(ff), h, ff))).ToList();
        var weights = new LanguageWeights(R(1, config.VocabSize, h), layers, Ones(h), R(4 / Math.Sqrt(h), config.VocabSize, h));
        return new LanguageModel(backend, config, weights);
    }

    /// <summary>bf16 weights uniform in <c>[-bound, bound)</c>, element i of tensor t from SplitMix64's mix of (seed, t, i).</summary>
    public static Tensor Uniform(IComputeBackend backend, TensorShape shape, float bound, ulong seed, ulong tensor)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var bits = new ushort[shape.Length];
        var chunks = (int)((bits.LongLength + ChunkElements - 1) / ChunkElements);
        Parallel.For(0, chunks, c =>
        {
            var end = Math.Min(bits.LongLength, ((long)c + 1) * ChunkElements);
            for (var i = (long)c * ChunkElements; i < end; i++)
            {
                var u = (Mix(seed ^ (tensor * 0x9E3779B97F4A7C15UL) ^ (ulong)i) >> 40) * (1.0f / (1 << 24));
                bits[i] = DTypes.ToBFloat16Bits(((2 * u) - 1) * bound);
            }
        });
        return backend.UploadWeights(MemoryMarshal.AsBytes(bits.AsSpan()), DType.BF16, shape);
    }

    /// <summary>SplitMix64's output function (Steele, Lea, Flood 2014), as a stateless hash.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
