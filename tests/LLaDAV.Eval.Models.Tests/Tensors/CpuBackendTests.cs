using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Tensors;

public sealed class CpuBackendTests
{
    public static TheoryData<CpuGemmKind> Gemms()
    {
        var data = new TheoryData<CpuGemmKind> { CpuGemmKind.Managed };
        if (CpuBackend.OpenBlasAvailable)
        {
            data.Add(CpuGemmKind.OpenBlas);
        }

        return data;
    }

    private static void Near(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected} ± {tolerance}, got {actual}");

    private static float[] Download(Tensor t)
    {
        var a = new float[t.Length];
        t.Backend.Download(t, a);
        return a;
    }

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2) - 1))];
    }

    [Theory]
    [MemberData(nameof(Gemms))]
    public void MatMul_multiplies_by_the_transposed_weight_and_adds_bias(CpuGemmKind kind)
    {
        using var be = new CpuBackend(kind);
        // x = [[1,2],[3,4]], W = [[1,0],[0,1],[1,1]] (3 outputs), bias = [10,20,30]
        using var x = be.Upload([1f, 2, 3, 4], new TensorShape(2, 2));
        using var w = be.Upload([1f, 0, 0, 1, 1, 1], new TensorShape(3, 2));
        using var b = be.Upload([10f, 20, 30], new TensorShape(3));
        using var y = be.Allocate(new TensorShape(2, 3));
        be.MatMul(x, w, y, b);
        Assert.Equal([11f, 22, 33, 13, 24, 37], Download(y));
    }

    [Theory]
    [MemberData(nameof(Gemms))]
    public void MatMul_matches_a_naive_loop_on_odd_sizes(CpuGemmKind kind)
    {
        using var be = new CpuBackend(kind);
        const int m = 37, k = 1100, n = 45;
        var xs = Random(m * k, 1);
        var ws = Random(n * k, 2);
        using var x = be.Upload(xs, new TensorShape(m, k));
        using var w = be.UploadWeights(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ws.AsSpan()), DType.F32, new TensorShape(n, k));
        using var y = be.Allocate(new TensorShape(m, n));
        be.MatMul(x, w, y);
        var got = Download(y);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var p = 0; p < k; p++)
                {
                    s += xs[(i * k) + p] * (double)ws[(j * k) + p];
                }

                Near(s, got[(i * n) + j], 1e-3);
            }
        }
    }

    [Fact]
    public void Bf16_weights_widen_exactly()
    {
        using var be = new CpuBackend();
        // 1.0 = 0x3F80, -2.5 = 0xC020, 0.15625 = 0x3E20
        byte[] raw = [0x80, 0x3F, 0x20, 0xC0, 0x20, 0x3E];
        using var t = be.UploadWeights(raw, DType.BF16, new TensorShape(3));
        Assert.Equal([1f, -2.5f, 0.15625f], Download(t));
        Assert.Equal((ushort)0x3F80, DTypes.ToBFloat16Bits(1.0f));
        byte[] half = [0x00, 0x3C, 0x00, 0xC1];
        using var h = be.UploadWeights(half, DType.F16, new TensorShape(2));
        Assert.Equal([1f, -2.5f], Download(h));
    }

    [Fact]
    public void RmsNorm_and_LayerNorm_follow_their_formulas()
    {
        using var be = new CpuBackend();
        using var x = be.Upload([3f, 4f], new TensorShape(1, 2));
        using var w = be.Upload([1f, 2f], new TensorShape(2));
        using var b = be.Upload([0.5f, -0.5f], new TensorShape(2));
        using var y = be.Allocate(new TensorShape(1, 2));
        be.RmsNorm(x, w, 0f, y);
        var rms = MathF.Sqrt(12.5f);
        var got = Download(y);
        Assert.Equal(3 / rms, got[0], 5);
        Assert.Equal(8 / rms, got[1], 5);
        be.LayerNorm(x, w, b, 0f, y);
        got = Download(y);
        Assert.Equal(-1 + 0.5f, got[0], 5);
        Assert.Equal(2 - 0.5f, got[1], 5);
    }

    [Fact]
    public void Rope_rotates_halves_by_position_times_inverse_frequency()
    {
        using var be = new CpuBackend();
        // one head of dim 4: inv_freq = [1, theta^-0.5]; theta = 100 → [1, 0.1]; position 2 → angles [2, 0.2]
        using var x = be.Upload([0f, 0, 0, 0, 1f, 2f, 3f, 4f], new TensorShape(2, 4));
        be.ApplyRope(x, 1, 4, 1, 100f);
        var got = Download(x);
        Assert.Equal(0f, got[0]);
        double c0 = Math.Cos(2), s0 = Math.Sin(2), c1 = Math.Cos(0.2), s1 = Math.Sin(0.2);
        Near((1 * c0) - (3 * s0), got[4], 1e-5);
        Near((2 * c1) - (4 * s1), got[5], 1e-5);
        Near((3 * c0) + (1 * s0), got[6], 1e-5);
        Near((4 * c1) + (2 * s1), got[7], 1e-5);
    }

    [Fact]
    public void Activations_match_known_values()
    {
        using var be = new CpuBackend();
        using var x = be.Upload([1f, -1f, 0f, 2f], new TensorShape(1, 4));
        using var y = be.Allocate(new TensorShape(1, 4));
        be.Gelu(x, y, GeluKind.Erf);
        var got = Download(y);
        Assert.Equal(0.8413447f, got[0], 5);
        Assert.Equal(-0.1586553f, got[1], 5);
        Assert.Equal(1.9544997f, got[3], 5);
        be.Gelu(x, y, GeluKind.Tanh);
        Assert.Equal(0.8411920f, Download(y)[0], 5);
        be.SiluMul(x, x, y);
        got = Download(y);
        Assert.Equal(1f / (1 + MathF.Exp(-1)), got[0], 5);
        Assert.Equal(4f / (1 + MathF.Exp(-2)), got[3], 5);
        be.Softmax(x);
        got = Download(x);
        var z = MathF.E + (1 / MathF.E) + 1 + (MathF.E * MathF.E);
        Assert.Equal(MathF.E / z, got[0], 5);
    }

    [Theory]
    [MemberData(nameof(Gemms))]
    public void Attention_matches_a_naive_reference_for_causal_gqa_with_a_prefix(CpuGemmKind kind)
    {
        using var be = new CpuBackend(kind);
        const int heads = 4, kvHeads = 2, d = 8, tk = 7, tq = 3;
        var qs = Random(tq * heads * d, 3);
        var ks = Random(tk * kvHeads * d, 4);
        var vs = Random(tk * kvHeads * d, 5);
        using var q = be.Upload(qs, new TensorShape(tq, heads * d));
        using var k = be.Upload(ks, new TensorShape(tk, kvHeads * d));
        using var v = be.Upload(vs, new TensorShape(tk, kvHeads * d));
        foreach (var causal in new[] { true, false })
        {
            using var o = be.Allocate(new TensorShape(tq, heads * d));
            be.Attention(q, k, v, o, new AttentionSpec(heads, kvHeads, d, causal));
            var got = Download(o);
            for (var h = 0; h < heads; h++)
            {
                var g = h / 2;
                for (var i = 0; i < tq; i++)
                {
                    var visible = causal ? tk - tq + i + 1 : tk;
                    var w = new double[visible];
                    for (var j = 0; j < visible; j++)
                    {
                        for (var p = 0; p < d; p++)
                        {
                            w[j] += qs[(i * heads * d) + (h * d) + p] * (double)ks[(j * kvHeads * d) + (g * d) + p];
                        }

                        w[j] /= Math.Sqrt(d);
                    }

                    var max = w.Max();
                    var e = w.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = e.Sum();
                    for (var p = 0; p < d; p++)
                    {
                        double acc = 0;
                        for (var j = 0; j < visible; j++)
                        {
                            acc += e[j] / sum * vs[(j * kvHeads * d) + (g * d) + p];
                        }

                        Near(acc, got[(i * heads * d) + (h * d) + p], 1e-5);
                    }
                }
            }
        }
    }

    [Fact]
    public void Selection_breaks_ties_towards_the_lower_index()
    {
        using var be = new CpuBackend();
        using var x = be.Upload([1f, 5f, 5f, 2f, 7f, 0f], new TensorShape(2, 3));
        using var am = be.Allocate(new TensorShape(2), DType.I32);
        be.ArgMax(x, am);
        var ids = new int[2];
        be.Download(am, ids);
        Assert.Equal([1, 1], ids);
        using var ti = be.Allocate(new TensorShape(2, 2), DType.I32);
        using var tv = be.Allocate(new TensorShape(2, 2));
        be.TopK(x, 2, ti, tv);
        var idx = new int[4];
        be.Download(ti, idx);
        Assert.Equal([1, 2, 1, 0], idx);
        Assert.Equal([5f, 5f, 7f, 2f], Download(tv));
    }

    [Fact]
    public void Views_embedding_and_copy_concatenate_rows()
    {
        using var be = new CpuBackend();
        using var table = be.Upload([0f, 0, 1, 1, 2, 2], new TensorShape(3, 2));
        using var ids = be.Upload([2, 0], new TensorShape(2));
        using var all = be.Allocate(new TensorShape(4, 2));
        be.Embedding(table, ids, all.Rows(1, 2));
        be.Copy(table.Rows(1, 1), all.Rows(3, 1));
        Assert.Equal([0f, 0, 2, 2, 0, 0, 1, 1], Download(all));
    }

    [Fact]
    public void Im2Col_orders_patches_row_major_and_columns_as_conv_weights()
    {
        using var be = new CpuBackend();
        // C=2, H=2, W=4, patch 2 → 2 patches of 8 values
        var img = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        using var x = be.Upload(img, new TensorShape(2, 2, 4));
        using var o = be.Allocate(new TensorShape(2, 8));
        be.Im2ColPatches(x, 2, o);
        Assert.Equal([0f, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15], Download(o));
    }

    [Fact]
    public void Bilinear_matches_torch_half_pixel_downsampling()
    {
        using var be = new CpuBackend();
        // 1×4 → 1×2: torch gives [0.5, 2.5] for input [0,1,2,3] (src = 0.5 and 2.5).
        // 2×1 → 3×1 upsampling of [0, 3]: src = [-1/6→0, 0.5, 7/6→1] → [0, 1.5, 3].
        using var a = be.Upload([0f, 1, 2, 3], new TensorShape(4, 1));
        using var ao = be.Allocate(new TensorShape(2, 1));
        be.BilinearResize(a, 1, 4, 1, 2, ao);
        Assert.Equal([0.5f, 2.5f], Download(ao));
        using var b = be.Upload([0f, 3], new TensorShape(2, 1));
        using var bo = be.Allocate(new TensorShape(3, 1));
        be.BilinearResize(b, 2, 1, 3, 1, bo);
        var got = Download(bo);
        Assert.Equal(0f, got[0], 5);
        Assert.Equal(1.5f, got[1], 5);
        Assert.Equal(3f, got[2], 5);
    }

    [Fact]
    public void SiluMul_may_write_over_its_gate_and_concat_slice_compose_views()
    {
        using var be = new CpuBackend();
        using var g = be.Upload([1f, -2f], new TensorShape(1, 2));
        using var u = be.Upload([3f, 0.5f], new TensorShape(1, 2));
        be.SiluMul(g, u, g);
        var got = g.ToArray();
        Near(3 / (1 + Math.Exp(-1)), got[0], 1e-6);
        Near(0.5 * -2 / (1 + Math.Exp(2)), got[1], 1e-6);
        using var a = be.Upload([1f, 2], new TensorShape(1, 2));
        using var b = be.Upload([3f, 4, 5, 6], new TensorShape(2, 2));
        using var c = be.ConcatRows([a, b]);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c.ToArray());
        using var s = be.SliceRows(c, 1, 2);
        Assert.Equal([3f, 4, 5, 6], s.ToArray());
    }
}
