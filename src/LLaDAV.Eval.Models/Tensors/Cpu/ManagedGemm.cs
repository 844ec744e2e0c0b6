using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// Managed SIMD GEMM used when OpenBLAS is absent: 4-row × 1-column Vector256 micro-kernel for the weight layout
/// (Bᵀ), row-axpy for plain B, tiles over N fanned out with Parallel.For so each B tile is reused from cache by
/// all rows of A. Row-invariant: every output element is reduced in the same order (Vector256 lanes over K tiles,
/// then the scalar tail) whether its row falls in a 4-row group or in the remainder, and whatever M is, so packing
/// several sequences into one GEMM gives each the bits it gets alone (<see cref="IGemm.RowInvariant"/>).
/// </summary>
internal sealed class ManagedGemm : IGemm
{
    private const int TileN = 32;
    private const int TileK = 1024;

    public static ManagedGemm Instance { get; } = new();

    public string Name => "managed Vector256 GEMM";

    public bool RowInvariant => true;

    public void Sgemm(bool transposeB, int m, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (transposeB)
        {
            var tiles = (n + TileN - 1) / TileN;
            var work = (long)m * n * k;
            if (work < 1 << 16)
            {
                for (var t = 0; t < tiles; t++)
                {
                    TileTransposed(t, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
                }
            }
            else
            {
                Parallel.For(0, tiles, t => TileTransposed(t, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc));
            }
        }
        else
        {
            if ((long)m * n * k < 1 << 16)
            {
                for (var i = 0; i < m; i++)
                {
                    RowAxpy(i, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
                }
            }
            else
            {
                Parallel.For(0, m, i => RowAxpy(i, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc));
            }
        }
    }

    private static void RowAxpy(int i, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc)
    {
        var crow = c.AsSpan((int)(cOffset + ((long)i * ldc)), n);
        crow.Clear();
        var arow = a.AsSpan((int)(aOffset + ((long)i * lda)), k);
        for (var p = 0; p < k; p++)
        {
            var s = arow[p];
            if (s != 0f)
            {
                TensorPrimitives.MultiplyAdd(b.AsSpan((int)(bOffset + ((long)p * ldb)), n), s, crow, crow);
            }
        }
    }

    private static void TileTransposed(int tile, int m, int n, int k, float[] a, long aOffset, int lda, float[] b, long bOffset, int ldb, float[] c, long cOffset, int ldc)
    {
        var j0 = tile * TileN;
        var j1 = Math.Min(n, j0 + TileN);
        for (var k0 = 0; k0 < k; k0 += TileK)
        {
            var kl = Math.Min(TileK, k - k0);
            var first = k0 == 0;
            var i = 0;
            for (; i + 4 <= m; i += 4)
            {
                var a0 = a.AsSpan((int)(aOffset + ((long)i * lda) + k0), kl);
                var a1 = a.AsSpan((int)(aOffset + ((long)(i + 1) * lda) + k0), kl);
                var a2 = a.AsSpan((int)(aOffset + ((long)(i + 2) * lda) + k0), kl);
                var a3 = a.AsSpan((int)(aOffset + ((long)(i + 3) * lda) + k0), kl);
                for (var j = j0; j < j1; j++)
                {
                    var brow = b.AsSpan((int)(bOffset + ((long)j * ldb) + k0), kl);
                    Dot4(a0, a1, a2, a3, brow, out var d0, out var d1, out var d2, out var d3);
                    Accumulate(c, cOffset + ((long)i * ldc) + j, d0, first);
                    Accumulate(c, cOffset + ((long)(i + 1) * ldc) + j, d1, first);
                    Accumulate(c, cOffset + ((long)(i + 2) * ldc) + j, d2, first);
                    Accumulate(c, cOffset + ((long)(i + 3) * ldc) + j, d3, first);
                }
            }

            for (; i < m; i++)
            {
                var ar = a.AsSpan((int)(aOffset + ((long)i * lda) + k0), kl);
                for (var j = j0; j < j1; j++)
                {
                    var d = Dot1(ar, b.AsSpan((int)(bOffset + ((long)j * ldb) + k0), kl));
                    Accumulate(c, cOffset + ((long)i * ldc) + j, d, first);
                }
            }
        }
    }

    private static void Accumulate(float[] c, long index, float value, bool first)
    {
        if (first)
        {
            c[index] = value;
        }
        else
        {
            c[index] += value;
        }
    }

    /// <summary>One row of <see cref="Dot4"/>, reduced in exactly its order (TensorPrimitives.Dot may use wider vectors).</summary>
    private static float Dot1(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = Vector256<float>.Zero;
        var p = 0;
        var w = Vector256<float>.Count;
        for (; p + w <= b.Length; p += w)
        {
            s += Vector256.Create(a.Slice(p, w)) * Vector256.Create(b.Slice(p, w));
        }

        var d = Vector256.Sum(s);
        for (; p < b.Length; p++)
        {
            d += a[p] * b[p];
        }

        return d;
    }

    private static void Dot4(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, ReadOnlySpan<float> a3, ReadOnlySpan<float> b, out float d0, out float d1, out float d2, out float d3)
    {
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        var s2 = Vector256<float>.Zero;
        var s3 = Vector256<float>.Zero;
        var p = 0;
        var w = Vector256<float>.Count;
        for (; p + w <= b.Length; p += w)
        {
            var bv = Vector256.Create(b.Slice(p, w));
            s0 += Vector256.Create(a0.Slice(p, w)) * bv;
            s1 += Vector256.Create(a1.Slice(p, w)) * bv;
            s2 += Vector256.Create(a2.Slice(p, w)) * bv;
            s3 += Vector256.Create(a3.Slice(p, w)) * bv;
        }

        d0 = Vector256.Sum(s0);
        d1 = Vector256.Sum(s1);
        d2 = Vector256.Sum(s2);
        d3 = Vector256.Sum(s3);
        for (; p < b.Length; p++)
        {
            d0 += a0[p] * b[p];
            d1 += a1[p] * b[p];
            d2 += a2[p] * b[p];
            d3 += a3[p] * b[p];
        }
    }
}
