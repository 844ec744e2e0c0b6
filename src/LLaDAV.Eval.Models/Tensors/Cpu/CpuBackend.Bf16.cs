using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    private const int ConvertChunk = 1 << 16;

    [ThreadStatic]
    private static ushort[]? t_bf16Activations;

    /// <summary>
    /// <c>output = round_bf16(x) · Wᵀ</c> with W in bf16: the activation is rounded to bf16 (round to nearest even, as
    /// CUDA's f32_to_bf16 kernel and torch's <c>.to(torch.bfloat16)</c>) into scratch, then one oneDNN bf16 GEMM with fp32
    /// accumulation writes fp32 output.
    /// </summary>
    private void MatMulBf16(Tensor x, Tensor weight, Tensor output, int m, int n, int k)
    {
        if (_bf16 is null)
        {
            throw new ArgumentException($"MatMul: weight {weight} is bf16 but this backend computes in fp32 (bf16 weights are made only by --dtype bf16).", nameof(weight));
        }

        var size = (long)m * k;
        var scratch = t_bf16Activations;
        if (scratch is null || scratch.LongLength < size)
        {
            scratch = new ushort[Math.Max(size, 4096)];
            t_bf16Activations = scratch;
        }

        RoundToBf16(F(x), scratch.AsSpan(0, checked((int)size)));
        _bf16.Gemm(true, m, n, k, scratch.AsSpan(0, (int)size), k, H(weight), k, F(output), n);
    }

    /// <summary>fp32 → bf16 bits, round to nearest even, NaN → 0x7FC0 (<see cref="DTypes.ToBFloat16Bits"/> vectorised), in parallel chunks.</summary>
    internal static void RoundToBf16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException("RoundToBf16: lengths differ.", nameof(destination));
        }

        if (source.Length <= ConvertChunk)
        {
            RoundChunk(source, destination);
            return;
        }

        unsafe
        {
            fixed (float* ps = source)
            fixed (ushort* pd = destination)
            {
                var (s, d, n) = ((nint)ps, (nint)pd, source.Length);
                Parallel.For(0, (n + ConvertChunk - 1) / ConvertChunk, c =>
                {
                    var start = c * ConvertChunk;
                    var len = Math.Min(ConvertChunk, n - start);
                    RoundChunk(new ReadOnlySpan<float>((float*)s + start, len), new Span<ushort>((ushort*)d + start, len));
                });
            }
        }
    }

    /// <summary>bf16 bits → fp32 (exact: bf16 is the top half of an fp32).</summary>
    internal static void WidenBf16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        var w = Vector<ushort>.Count;
        for (; i + w <= source.Length; i += w)
        {
            Vector.Widen(new Vector<ushort>(source.Slice(i, w)), out var lo, out var hi);
            (lo << 16).CopyTo(bits.Slice(i));
            (hi << 16).CopyTo(bits.Slice(i + Vector<uint>.Count));
        }

        for (; i < source.Length; i++)
        {
            bits[i] = (uint)source[i] << 16;
        }
    }

    private static void RoundChunk(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(source);
        var i = 0;
        var w = Vector<uint>.Count;
        var one = new Vector<uint>(1u);
        var half = new Vector<uint>(0x7FFFu);
        var absMask = new Vector<uint>(0x7FFFFFFFu);
        var infinity = new Vector<uint>(0x7F800000u);
        var nan = new Vector<uint>(0x7FC0u);
        for (; i + (2 * w) <= bits.Length; i += 2 * w)
        {
            var lo = Round(new Vector<uint>(bits.Slice(i, w)));
            var hi = Round(new Vector<uint>(bits.Slice(i + w, w)));
            Vector.Narrow(lo, hi).CopyTo(destination.Slice(i));
        }

        for (; i < bits.Length; i++)
        {
            destination[i] = DTypes.ToBFloat16Bits(source[i]);
        }

        Vector<uint> Round(Vector<uint> b)
        {
            var rounded = (b + half + ((b >> 16) & one)) >> 16;
            return Vector.ConditionalSelect(Vector.GreaterThan(b & absMask, infinity), nan, rounded);
        }
    }
}
