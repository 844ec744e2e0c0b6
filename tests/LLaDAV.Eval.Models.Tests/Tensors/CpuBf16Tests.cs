using System.Runtime.InteropServices;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Tensors;

/// <summary>The CPU bf16 path (<c>--dtype bf16</c>): its GEMM, its input rounding, its storage and its CPUID fallback.</summary>
public sealed class CpuBf16Tests
{
    private const double U32 = 1.0 / (1 << 24); // fp32 unit roundoff

    private static ushort[] Bf16Bits(float[] values) => [.. values.Select(DTypes.ToBFloat16Bits)];

    private static double Widen(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2) - 1) * 3)];
    }

    /// <summary>
    /// The bound, derived by hand: a product of two bf16 numbers (8-bit significands) has at most 16 significant bits,
    /// so it is exact in fp32; summing K exact terms in fp32 in any order (oneDNN blocks K) errs by at most
    /// γ_{K} Σ|aᵢbᵢ| with γ_K = K·u/(1−K·u), u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, §4.2).
    /// The reference is that sum in fp64 of round_bf16(x)·w, x rounded to nearest even as the GPU path does.
    /// </summary>
    [Bf16Fact]
    public void Bf16_gemm_matches_the_fp64_product_of_the_bf16_rounded_inputs_within_the_fp32_summation_bound()
    {
        const int m = 37, n = 53, k = 300;
        using var be = new CpuBackend(CpuGemmKind.Auto, CpuComputeType.Bf16);
        var x = Random(m * k, 1);
        var w = Bf16Bits(Random(n * k, 2));
        using var xt = be.Upload(x, new TensorShape(m, k));
        using var wt = be.UploadWeights(MemoryMarshal.AsBytes(w.AsSpan()), DType.BF16, new TensorShape(n, k));
        Assert.Equal(DType.BF16, wt.DType);
        using var yt = be.Allocate(new TensorShape(m, n));
        be.MatMul(xt, wt, yt);
        var y = new float[m * n];
        be.Download(yt, y);
        var gamma = k * U32 / (1 - (k * U32));
        var unroundedBeyondBound = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double exact = 0, magnitude = 0, unrounded = 0;
                for (var p = 0; p < k; p++)
                {
                    var a = Widen(DTypes.ToBFloat16Bits(x[(i * k) + p]));
                    var b = Widen(w[(j * k) + p]);
                    exact += a * b;
                    magnitude += Math.Abs(a * b);
                    unrounded += x[(i * k) + p] * b;
                }

                var bound = gamma * magnitude;
                var got = y[(i * n) + j];
                Assert.True(Math.Abs(got - exact) <= bound, $"C[{i},{j}] = {got}, fp64 reference {exact}, bound {bound}");
                unroundedBeyondBound += Math.Abs(got - unrounded) > bound ? 1 : 0;
            }
        }

        // the activation really is rounded to bf16 at the GEMM input: against the unrounded x the bound fails nearly everywhere
        Assert.True(unroundedBeyondBound > m * n / 2, $"only {unroundedBeyondBound} of {m * n} outputs tell rounded from unrounded inputs");
    }

    [Fact]
    public void Activation_rounding_is_round_to_nearest_even_with_canonical_nan_in_every_lane()
    {
        // ties to even both ways, just above/below a tie, carries into the exponent, overflow to infinity, NaN, signed zero
        uint[] special = [0x3F808000, 0x3F818000, 0x3F808001, 0x3F807FFF, 0x3FFFFFFF, 0x7F7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00001, 0xFFA00000, 0x80000000, 0x00000001];
        var r = new Random(3);
        var bits = Enumerable.Range(0, 1000).Select(i => i < special.Length * 8 ? special[i % special.Length] : (uint)r.NextInt64(0, 1L << 32)).ToArray();
        var values = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
        var got = new ushort[values.Length];
        CpuBackend.RoundToBf16(values, got);
        for (var i = 0; i < values.Length; i++)
        {
            // expected by the rule itself: RNE on the low 16 bits, NaN → 0x7FC0
            var b = bits[i];
            var expected = (b & 0x7FFFFFFF) > 0x7F800000 ? (ushort)0x7FC0 : (ushort)((b + 0x7FFF + ((b >> 16) & 1)) >> 16);
            Assert.True(expected == got[i], $"element {i}: {b:X8} → {got[i]:X4}, expected {expected:X4}");
        }

        Assert.Equal(0x3F80, got[0]); // 1.00390625 ties to even (down)
        Assert.Equal(0x3F82, got[1]); // tie with odd last bit rounds up
        Assert.Equal(0x7F80, got[5]); // fp32 max rounds to +∞ as torch does
    }

    [Bf16Fact]
    public void Bf16_path_keeps_matrices_in_two_bytes_and_widens_vectors_exactly()
    {
        using var be = new CpuBackend(CpuGemmKind.Auto, CpuComputeType.Bf16);
        var m = Bf16Bits([1.5f, -2.25f, 3.0078125f, 0.1f, 7f, -8f]);
        using var matrix = be.UploadWeights(MemoryMarshal.AsBytes(m.AsSpan()), DType.BF16, new TensorShape(3, 2));
        using var vector = be.UploadWeights(MemoryMarshal.AsBytes(m.AsSpan()), DType.BF16, new TensorShape(6));
        Assert.Equal(DType.BF16, matrix.DType);
        Assert.Equal(DType.F32, vector.DType);
        var widened = m.Select(b => (float)Widen(b)).ToArray();
        var fromMatrix = new float[6];
        be.Download(matrix, fromMatrix);
        Assert.Equal(widened, fromMatrix);

        // embedding rows and copies of a bf16 matrix widen exactly
        using var ids = be.Upload([2, 0], new TensorShape(2));
        using var rows = be.Allocate(new TensorShape(2, 2));
        be.Embedding(matrix, ids, rows);
        var got = new float[4];
        be.Download(rows, got);
        Assert.Equal(new[] { widened[4], widened[5], widened[0], widened[1] }, got);
    }

    [Fact]
    public void The_default_cpu_backend_still_computes_in_fp32()
    {
        using var be = new CpuBackend();
        Assert.Equal(CpuComputeType.Fp32, be.Compute);
        var m = Bf16Bits([1f, 2f, 3f, 4f]);
        using var t = be.UploadWeights(MemoryMarshal.AsBytes(m.AsSpan()), DType.BF16, new TensorShape(2, 2));
        Assert.Equal(DType.F32, t.DType);
    }

    [Fact]
    public void Avx512_bf16_is_cpuid_leaf_7_subleaf_1_eax_bit_5_and_needs_avx512f()
    {
        Assert.True(CpuFeatures.FromCpuId(avx512F: true, 1 << 5).Avx512Bf16);
        Assert.True(CpuFeatures.FromCpuId(avx512F: true, 0x30).Avx512Bf16); // this EPYC's EAX: AVX-VNNI (bit 4) + AVX512-BF16
        Assert.False(CpuFeatures.FromCpuId(avx512F: true, 1 << 4).Avx512Bf16);
        Assert.False(CpuFeatures.FromCpuId(avx512F: false, 1 << 5).Avx512Bf16);
    }

    [Fact]
    public void A_cpu_without_avx512_bf16_gets_one_clear_error_naming_the_fp32_fallback()
    {
        var e = Assert.Throws<NotSupportedException>(() => new CpuBackend(CpuGemmKind.Auto, CpuComputeType.Bf16, new CpuFeatures(Avx512F: true, Avx512Bf16: false)));
        Assert.Contains("AVX512-BF16", e.Message, StringComparison.Ordinal);
        Assert.Contains("--dtype fp32", e.Message, StringComparison.Ordinal);
        Assert.Contains("libdnnl2", CpuBackend.Bf16Unavailable(new CpuFeatures(true, true), dnnlLoaded: false), StringComparison.Ordinal);
        Assert.Null(CpuBackend.Bf16Unavailable(new CpuFeatures(true, true), dnnlLoaded: true));
        // fp32 needs neither
        using var fp32 = new CpuBackend(CpuGemmKind.Auto, CpuComputeType.Fp32, new CpuFeatures(false, false));
        Assert.Equal(CpuComputeType.Fp32, fp32.Compute);
    }
}
