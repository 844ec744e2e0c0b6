using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

/// <summary>
/// Runs every <see cref="IComputeBackend"/> op on the same random inputs on two backends (the CPU reference and a
/// candidate) and compares the outputs (<see cref="OpCheck"/>). Shapes are small but deliberately ragged (row counts
/// that are not multiples of a block or an attention tile, row views at an offset, GQA, a causal query block over a
/// longer key range) so that the candidate's indexing is exercised, not only its arithmetic. Tolerances follow the
/// candidate's precision: fp32 ops within a few ulp of summation-order noise, bf16 GEMMs at bf16 rounding of the
/// activation operand. Rows are the batch dimension of every op (the engine batches by stacking rows), and
/// BatchedMatMul has its explicit leading batch.
/// </summary>
public static class BackendComparison
{
    private const double Fp32Atol = 1e-5;
    private const double Fp32Rtol = 1e-5;

    public static IReadOnlyList<OpCheck> Run(IComputeBackend reference, IComputeBackend candidate, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var c = new Runner(reference, candidate, new Random(seed));
        var results = new List<OpCheck>();

        {
            var x = c.Rand(37 * 96, 1f);
            var w = c.Rand(70 * 96, 0.1f);
            var b = c.Rand(70, 0.5f);
            results.Add(c.Float("MatMul fp32 weight + bias [37,96]x[70,96]", 1e-4, 1e-4, s =>
            {
                var o = s.Zeros(37, 70);
                s.B.MatMul(s.F(x, 37, 96), s.W(w, DType.F32, 70, 96), o, s.F(b, 70));
                return o;
            }));
            results.Add(c.Float("MatMul bf16 weight [37,96]x[70,96]", 5e-3, 1e-2, s =>
            {
                var o = s.Zeros(37, 70);
                s.B.MatMul(s.F(x, 37, 96), s.W(w, DType.BF16, 70, 96), o);
                return o;
            }));
            results.Add(c.Float("MatMul row view, bf16 bias", 5e-3, 1e-2, s =>
            {
                var big = s.F(x, 37, 96);
                var o = s.Zeros(20, 70);
                s.B.MatMul(big.Rows(5, 20), s.W(w, DType.BF16, 70, 96), o, s.W(b, DType.BF16, 70));
                return o;
            }));
        }

        {
            var a = c.Rand(3 * 17 * 40, 1f);
            var bt = c.Rand(3 * 23 * 40, 1f);
            results.Add(c.Float("BatchedMatMul a·bᵀ [3,17,40]x[3,23,40]", 1e-4, 1e-4, s =>
            {
                var o = s.Zeros(3, 17, 23);
                s.B.BatchedMatMul(s.F(a, 3, 17, 40), s.F(bt, 3, 23, 40), o, transposeB: true);
                return o;
            }));
            results.Add(c.Float("BatchedMatMul a·b [3,17,40]x[3,40,23]", 1e-4, 1e-4, s =>
            {
                var o = s.Zeros(3, 17, 23);
                s.B.BatchedMatMul(s.F(a, 3, 17, 40), s.F(bt, 3, 40, 23), o, transposeB: false);
                return o;
            }));
        }

        {
            var x = c.Rand(33 * 200, 3f);
            var w = c.Rand(200, 1f);
            var bias = c.Rand(200, 1f);
            results.Add(c.Float("RmsNorm bf16 weight [33,200]", Fp32Atol, Fp32Rtol, s =>
            {
                var o = s.Zeros(33, 200);
                s.B.RmsNorm(s.F(x, 33, 200), s.W(w, DType.BF16, 200), 1e-5f, o);
                return o;
            }));
            results.Add(c.Float("LayerNorm fp32 weight+bias [33,200]", Fp32Atol, Fp32Rtol, s =>
            {
                var o = s.Zeros(33, 200);
                s.B.LayerNorm(s.F(x, 33, 200), s.W(w, DType.F32, 200), s.W(bias, DType.F32, 200), 1e-6f, o);
                return o;
            }));
            results.Add(c.Float("AddBias bf16 bias [33,200]", 1e-6, 1e-6, s =>
            {
                var t = s.F(x, 33, 200);
                s.B.AddBias(t, s.W(bias, DType.BF16, 200));
                return t;
            }));
        }

        {
            var x = c.Rand(19 * 4 * 32, 1f);
            results.Add(c.Float("ApplyRope 4×32 heads, positions 1000..1018", 2e-5, 1e-5, s =>
            {
                var t = s.F(x, 19, 128);
                s.B.ApplyRope(t, 4, 32, 1000, 10000f);
                return t;
            }));
            results.Add(c.Float("ApplyRope 1×64 head, theta 5e5, positions 0..37", 2e-5, 1e-5, s =>
            {
                var t = s.F(x[..(38 * 64)], 19, 128);
                var two = t.Reshape(38, 64);
                s.B.ApplyRope(two, 1, 64, 0, 500000f);
                return t;
            }));
        }

        {
            var x = c.Rand(9 * 1000, 5f);
            for (var i = 0; i < 1000; i += 3)
            {
                x[(3 * 1000) + i] = float.NegativeInfinity;
            }

            x.AsSpan(7 * 1000, 1000).Fill(float.NegativeInfinity);
            results.Add(c.Float("Softmax [9,1000] with -inf (one row all -inf)", 1e-6, 1e-5, s =>
            {
                var t = s.F(x, 9, 1000);
                s.B.Softmax(t);
                return t;
            }));
        }

        {
            var g = c.Rand(17 * 300, 6f);
            var u = c.Rand(17 * 300, 2f);
            results.Add(c.Float("SiluMul [17,300]", 1e-6, 1e-5, s =>
            {
                var o = s.Zeros(17, 300);
                s.B.SiluMul(s.F(g, 17, 300), s.F(u, 17, 300), o);
                return o;
            }));
            results.Add(c.Float("Gelu erf [17,300]", 1e-6, 1e-5, s =>
            {
                var o = s.Zeros(17, 300);
                s.B.Gelu(s.F(g, 17, 300), o, GeluKind.Erf);
                return o;
            }));
            results.Add(c.Float("Gelu tanh [17,300]", 1e-6, 1e-5, s =>
            {
                var o = s.Zeros(17, 300);
                s.B.Gelu(s.F(g, 17, 300), o, GeluKind.Tanh);
                return o;
            }));
            results.Add(c.Float("Add [17,300] (output aliases a)", 1e-6, 1e-6, s =>
            {
                var a = s.F(g, 17, 300);
                s.B.Add(a, s.F(u, 17, 300), a);
                return a;
            }));
            results.Add(c.Float("Add bf16 weight operand (position embedding)", 1e-6, 1e-6, s =>
            {
                var a = s.F(g, 17, 300);
                s.B.Add(a, s.W(u, DType.BF16, 17, 300), a);
                return a;
            }));
            results.Add(c.Float("Copy bf16 weight into fp32 rows (image_newline)", 0, 0, s =>
            {
                var o = s.Zeros(5, 300);
                s.B.Copy(s.W(u[..300], DType.BF16, 300), o.Rows(2, 1).Reshape(300));
                return o;
            }));
            results.Add(c.Float("Multiply [17,300]", 1e-6, 1e-6, s =>
            {
                var o = s.Zeros(17, 300);
                s.B.Multiply(s.F(g, 17, 300), s.F(u, 17, 300), o);
                return o;
            }));
            results.Add(c.Float("Scale [17,300]", 1e-6, 1e-6, s =>
            {
                var t = s.F(g, 17, 300);
                s.B.Scale(t, 0.125f);
                return t;
            }));
        }

        {
            var table = c.Rand(50 * 64, 1f);
            int[] ids = [3, 0, 49, 7, 7, 12, 33, 1, 48, 20, 5, 9];
            results.Add(c.Float("Embedding bf16 table [50,64], 12 ids", 0, 0, s =>
            {
                var o = s.Zeros(12, 64);
                s.B.Embedding(s.W(table, DType.BF16, 50, 64), s.I(ids, 12), o);
                return o;
            }));
        }

        results.Add(Attention(c, "Attention bidirectional GQA 4/2 heads d64, 77 tokens", 77, 77, 4, 2, 64, causal: false));
        results.Add(Attention(c, "Attention causal MQA 4/1 d128, 13 queries over 50 keys", 13, 50, 4, 1, 128, causal: true));
        results.Add(Attention(c, "Attention bidirectional 3 heads d72, 300 tokens", 300, 300, 3, 3, 72, causal: false));
        results.Add(Attention(c, "Attention bidirectional prefix 9 queries over 41 keys", 9, 41, 2, 2, 32, causal: false));

        {
            var cache = c.Rand(64 * 2 * 32, 1f);
            var q = c.Rand(6 * 4 * 32, 1f);
            var fresh = c.Rand(6 * 2 * 32, 1f);
            results.Add(c.Float("KV-cache append (Copy into rows) + attention over the cache slice", Fp32Atol, 1e-4, s =>
            {
                var k = s.F(cache, 64, 64);
                var v = s.F(cache, 64, 64);
                s.B.Copy(s.F(fresh, 6, 64), k.Rows(34, 6));
                s.B.Copy(s.F(fresh, 6, 64), v.Rows(34, 6));
                var o = s.Zeros(6, 128);
                s.B.Attention(s.F(q, 6, 128), k.Rows(0, 40), v.Rows(0, 40), o, new AttentionSpec(4, 2, 32, Causal: true));
                return o;
            }));
        }

        {
            var x = c.Rand(7 * 1000, 10f);
            x[(2 * 1000) + 10] = 50f;
            x[(2 * 1000) + 900] = 50f;
            results.Add(c.Ints("ArgMax [7,1000] (a tied row)", s =>
            {
                var o = s.ZerosI(7);
                s.B.ArgMax(s.F(x, 7, 1000), o);
                return o;
            }));
            x[(4 * 1000) + 5] = 40f;
            x[(4 * 1000) + 6] = 40f;
            x[(4 * 1000) + 600] = 40f;
            results.Add(c.Ints("TopK k=8 indices [7,1000] (ties)", s =>
            {
                var idx = s.ZerosI(7, 8);
                s.B.TopK(s.F(x, 7, 1000), 8, idx, s.Zeros(7, 8));
                return idx;
            }));
            results.Add(c.Float("TopK k=8 values", 0, 0, s =>
            {
                var values = s.Zeros(7, 8);
                s.B.TopK(s.F(x, 7, 1000), 8, s.ZerosI(7, 8), values);
                return values;
            }));
        }

        {
            var image = c.Rand(3 * 28 * 42, 1f);
            results.Add(c.Float("Im2ColPatches [3,28,42] patch 14", 0, 0, s =>
            {
                var o = s.Zeros(6, 3 * 14 * 14);
                s.B.Im2ColPatches(s.F(image, 3, 28, 42), 14, o);
                return o;
            }));
            var grid = c.Rand(6 * 9 * 5, 1f);
            results.Add(c.Float("BilinearResize 6×9 → 13×4, 5 channels", 1e-6, 1e-6, s =>
            {
                var o = s.Zeros(13 * 4, 5);
                s.B.BilinearResize(s.F(grid, 54, 5), 6, 9, 13, 4, o);
                return o;
            }));
        }

        if (candidate is CudaBackend cuda)
        {
            results.Add(Confidence(c, cuda));
        }

        return results;
    }

    private static OpCheck Attention(Runner c, string name, int tq, int tk, int heads, int kvHeads, int d, bool causal)
    {
        var q = c.Rand(tq * heads * d, 1f);
        var k = c.Rand(tk * kvHeads * d, 1f);
        var v = c.Rand(tk * kvHeads * d, 1f);
        return c.Float(name, Fp32Atol, 1e-4, s =>
        {
            var o = s.Zeros(tq, heads * d);
            s.B.Attention(s.F(q, tq, heads * d), s.F(k, tk, kvHeads * d), s.F(v, tk, kvHeads * d), o, new AttentionSpec(heads, kvHeads, d, causal));
            return o;
        });
    }

    /// <summary>
    /// The sampler's device scoring (forbidden columns, first argmax, fp64 confidence) against the CPU backend's, which
    /// is the host sampler's own formula: ids must agree exactly, confidences to 1e-12 relative (the GPU sums in
    /// another order).
    /// </summary>
    private static OpCheck Confidence(Runner c, CudaBackend cuda)
    {
        const int rows = 5, cols = 3000;
        var logits = c.Rand(rows * cols, 8f);
        logits[(2 * cols) + 11] = logits[(2 * cols) + 12] = 50f; // a tie: the lower index wins
        logits[(3 * cols) + 7] = 60f; // the maximum is forbidden: the runner-up wins
        int[] forbidden = [7, 2999];
        var (deviceIds, hostIds) = (new int[rows], new int[rows]);
        var (device, host) = (new double[rows], new double[rows]);
        try
        {
            using var l = cuda.Upload(logits, new TensorShape(rows, cols));
            cuda.ScoreRows(l, forbidden, deviceIds, device);
        }
        catch (Exception e) when (e is CudaException or ArgumentException)
        {
            return new OpCheck("ScoreRows (argmax + fp64 confidence)", double.NaN, double.NaN, 0, 1e-12, false, e.Message);
        }

        using (var cpu = new Cpu.CpuBackend())
        using (var l = cpu.Upload(logits, new TensorShape(rows, cols)))
        {
            cpu.ScoreRows(l, forbidden, hostIds, host);
        }

        double maxAbs = 0, maxRel = 0;
        for (var r = 0; r < rows; r++)
        {
            var abs = Math.Abs(device[r] - host[r]);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, abs / host[r]);
        }

        var idsAgree = deviceIds.AsSpan().SequenceEqual(hostIds);
        return new OpCheck($"ScoreRows [5,3000] (ids {(idsAgree ? "equal" : "DIFFER")})", maxAbs, maxRel, 0, 1e-12, idsAgree && maxRel <= 1e-12);
    }

    /// <summary>Uploads the same host data to a backend and frees everything it created when disposed.</summary>
    internal sealed class Scope(IComputeBackend backend) : IDisposable
    {
        private readonly List<Tensor> _owned = [];

        public IComputeBackend B => backend;

        public Tensor F(float[] data, params int[] shape) => Track(backend.Upload(data, new TensorShape(shape)));

        public Tensor I(int[] data, params int[] shape) => Track(backend.Upload(data, new TensorShape(shape)));

        /// <summary>A weight as the checkpoint would store it: fp32 bytes, or the data rounded to bf16 bytes.</summary>
        public Tensor W(float[] data, DType type, params int[] shape)
        {
            byte[] bytes;
            if (type == DType.BF16)
            {
                var bits = new ushort[data.Length];
                for (var i = 0; i < data.Length; i++)
                {
                    bits[i] = DTypes.ToBFloat16Bits(data[i]);
                }

                bytes = MemoryMarshal.AsBytes(bits.AsSpan()).ToArray();
            }
            else
            {
                bytes = MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
            }

            return Track(backend.UploadWeights(bytes, type, new TensorShape(shape)));
        }

        public Tensor Zeros(params int[] shape) => Track(backend.Allocate(new TensorShape(shape)));

        public Tensor ZerosI(params int[] shape) => Track(backend.Allocate(new TensorShape(shape), DType.I32));

        public void Dispose()
        {
            foreach (var t in _owned)
            {
                t.Dispose();
            }
        }

        private Tensor Track(Tensor t)
        {
            _owned.Add(t);
            return t;
        }
    }

    private sealed class Runner(IComputeBackend reference, IComputeBackend candidate, Random random)
    {
        public float[] Rand(int n, float scale)
        {
            var data = new float[n];
            for (var i = 0; i < n; i++)
            {
                data[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            return data;
        }

        public OpCheck Float(string op, double atol, double rtol, Func<Scope, Tensor> run)
        {
            var expected = RunFloat(reference, run);
            float[] actual;
            try
            {
                actual = RunFloat(candidate, run);
            }
            catch (Exception e) when (e is CudaException or ArgumentException or InvalidOperationException)
            {
                return new OpCheck(op, double.NaN, double.NaN, atol, rtol, false, e.Message);
            }

            return OpCheck.Compare(op, expected, actual, atol, rtol);
        }

        public OpCheck Ints(string op, Func<Scope, Tensor> run)
        {
            var expected = RunInts(reference, run);
            int[] actual;
            try
            {
                actual = RunInts(candidate, run);
            }
            catch (Exception e) when (e is CudaException or ArgumentException or InvalidOperationException)
            {
                return new OpCheck(op, double.NaN, double.NaN, 0, 0, false, e.Message);
            }

            return OpCheck.Exact(op, expected, actual);
        }

        private static float[] RunFloat(IComputeBackend backend, Func<Scope, Tensor> run)
        {
            using var scope = new Scope(backend);
            var t = run(scope);
            var host = new float[t.Length];
            backend.Download(t, host);
            return host;
        }

        private static int[] RunInts(IComputeBackend backend, Func<Scope, Tensor> run)
        {
            using var scope = new Scope(backend);
            var t = run(scope);
            var host = new int[t.Length];
            backend.Download(t, host);
            return host;
        }
    }
}
