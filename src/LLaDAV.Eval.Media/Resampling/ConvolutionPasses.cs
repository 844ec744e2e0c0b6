using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LLaDAV.Eval.Media.Resampling;

/// <summary>
/// Pillow's <c>ImagingResampleHorizontal_8bpc</c> / <c>ImagingResampleVertical_8bpc</c> for packed RGB: integer
/// multiply-accumulate from a half-unit bias, then <c>clip8</c> (shift by 22 bits, clamp to 0..255). Integer sums are
/// order-independent, so the SIMD vertical pass is bit-identical to the scalar one.
/// </summary>
internal static class ConvolutionPasses
{
    private const int Bias = 1 << (ResampleKernel.PrecisionBits - 1);

    /// <summary>Resamples rows <paramref name="firstRow"/>.. of <paramref name="src"/> horizontally into <paramref name="dst"/>.</summary>
    /// <remarks>
    /// One pixel's R, G, B accumulate together in the lanes of a Vector128&lt;int&gt; (the fourth lane, fed by the
    /// next pixel's red byte, is discarded): one 4-byte load, widen and multiply-add per tap instead of three.
    /// </remarks>
    public static void Horizontal(ReadOnlySpan<byte> src, int srcWidth, int firstRow, int rows, ResampleKernel kernel, Span<byte> dst)
    {
        var srcStride = srcWidth * 3;
        var dstStride = kernel.OutSize * 3;
        ref var source = ref MemoryMarshal.GetReference(src);
        var bias = Vector128.Create(Bias);
        for (var y = 0; y < rows; y++)
        {
            var rowStart = (firstRow + y) * srcStride;
            var outRow = dst.Slice(y * dstStride, dstStride);
            for (var xx = 0; xx < kernel.OutSize; xx++)
            {
                var k = kernel.Weights.AsSpan(xx * kernel.Taps, kernel.Count[xx]);
                var start = rowStart + (kernel.First[xx] * 3);
                // The 4-byte load reads one byte past the pixel; the buffer's very last pixel is done separately.
                var vectorTaps = start + (k.Length * 3) < src.Length ? k.Length : k.Length - 1;
                var acc = bias;
                for (var x = 0; x < vectorTaps; x++)
                {
                    var four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, start + (x * 3)));
                    var widened = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(four).AsByte()));
                    acc += widened.AsInt32() * Vector128.Create(k[x]);
                }

                if (vectorTaps < k.Length)
                {
                    var last = start + (vectorTaps * 3);
                    acc += Vector128.Create(src[last], src[last + 1], src[last + 2], 0) * Vector128.Create(k[vectorTaps]);
                }

                var clipped = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(acc, ResampleKernel.PrecisionBits), Vector128<int>.Zero), Vector128.Create(255));
                outRow[xx * 3] = (byte)clipped.GetElement(0);
                outRow[(xx * 3) + 1] = (byte)clipped.GetElement(1);
                outRow[(xx * 3) + 2] = (byte)clipped.GetElement(2);
            }
        }
    }

    /// <summary>Resamples <paramref name="src"/> (rows of <paramref name="stride"/> bytes) vertically into <paramref name="dst"/>.</summary>
    public static void Vertical(ReadOnlySpan<byte> src, int stride, ResampleKernel kernel, int rowOffset, Span<byte> dst)
    {
        for (var yy = 0; yy < kernel.OutSize; yy++)
        {
            var k = kernel.Weights.AsSpan(yy * kernel.Taps, kernel.Count[yy]);
            var top = (kernel.First[yy] - rowOffset) * stride;
            var outRow = dst.Slice(yy * stride, stride);
            var x = Vector256.IsHardwareAccelerated ? VerticalVector256(src, stride, top, k, outRow) : 0;
            for (; x < stride; x++)
            {
                var sum = Bias;
                for (var t = 0; t < k.Length; t++)
                {
                    sum += src[top + (t * stride) + x] * k[t];
                }

                outRow[x] = Clip8(sum);
            }
        }
    }

    /// <summary>32 bytes (channels of consecutive pixels) at a time; returns how many bytes of the row it produced.</summary>
    private static int VerticalVector256(ReadOnlySpan<byte> src, int stride, int top, ReadOnlySpan<int> k, Span<byte> outRow)
    {
        var bias = Vector256.Create(Bias);
        var max = Vector256.Create(255);
        var x = 0;
        for (; x + Vector256<byte>.Count <= stride; x += Vector256<byte>.Count)
        {
            Vector256<int> a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            for (var t = 0; t < k.Length; t++)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(src.Slice(top + (t * stride) + x, Vector256<byte>.Count)));
                var (l0, l1) = Vector256.Widen(lo);
                var (h0, h1) = Vector256.Widen(hi);
                var w = Vector256.Create(k[t]);
                a0 += l0.AsInt32() * w;
                a1 += l1.AsInt32() * w;
                a2 += h0.AsInt32() * w;
                a3 += h1.AsInt32() * w;
            }

            var low = Vector256.Narrow(Clip(a0, max), Clip(a1, max));
            var high = Vector256.Narrow(Clip(a2, max), Clip(a3, max));
            Vector256.Narrow(low.AsUInt16(), high.AsUInt16()).CopyTo(outRow[x..]);
        }

        return x;
    }

    private static Vector256<int> Clip(Vector256<int> sum, Vector256<int> max) =>
        Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(sum, ResampleKernel.PrecisionBits), Vector256<int>.Zero), max);

    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> ResampleKernel.PrecisionBits, 0, 255);
}
