using System.Runtime.InteropServices;
using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;
using static LLaDAV.Eval.Models.Tests.Cuda.KernelLaunch;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// The mutation table of the emulated device (tests/cuda-emulator): each test plants one bug of a kind a GPU backend
/// gets wrong, through the same kernel sources and driver/cuBLAS entry points the backend uses, and asserts the
/// emulated device makes it visible (a wrong result or a named error). Expected values are computed here from the
/// definitions (RMSNorm, a plain GEMM loop), not taken from the backend. Only on the emulated device: on a GPU these
/// bugs are undefined behaviour. Each test writes how the bug showed ("caught: ...") to its output, from which
/// tests/cuda-emulator/MUTATIONS.md is made.
/// </summary>
public sealed unsafe class EmulatedDeviceMutationTests(ITestOutputHelper output)
{
    [EmulatedCudaFact]
    public void A_missing_syncthreads_in_the_block_reduction_gives_a_wrong_rms_norm()
    {
        var source = NormKernels.Module.FullSource.Replace("\r\n", "\n", StringComparison.Ordinal);
        var at = source.IndexOf("partial[warp] = v;", StringComparison.Ordinal);
        Assert.True(at > 0);
        var barrierAt = source.IndexOf("__syncthreads();", at, StringComparison.Ordinal);
        var mutated = source.Remove(barrierAt, "__syncthreads();".Length);

        const int dim = 1000;
        var x = Enumerable.Range(0, dim).Select(i => (float)Math.Sin(i * 0.37) * (1 + (i % 7))).ToArray();
        var w = Enumerable.Range(0, dim).Select(i => 0.5f + ((i % 5) * 0.25f)).ToArray();
        var mean = x.Select(v => (double)v * v).Sum() / dim;
        var expected = x.Select((v, i) => (float)(v / Math.Sqrt(mean + 1e-5) * w[i])).ToArray();

        using var device = new Device();
        Assert.Equal(expected, device.RmsNorm(source, x, w), new Near(1e-4f));
        var wrong = device.RmsNorm(mutated, x, w);
        Assert.NotEqual(expected, wrong, new Near(1e-4f));
        output.WriteLine($"caught: wrong result, max |error| {expected.Zip(wrong).Max(p => Math.Abs(p.First - p.Second)):G4} against the RMSNorm definition");
    }

    [EmulatedCudaFact]
    public void An_off_by_one_grid_stride_bound_stops_with_the_kernel_and_the_offending_offset()
    {
        var source = ElementwiseKernels.Module.FullSource;
        var normalized = source.Replace("\r\n", "\n", StringComparison.Ordinal);
        var scale = normalized.IndexOf("scale_f32", StringComparison.Ordinal);
        var bound = normalized.IndexOf("i < n;", scale, StringComparison.Ordinal);
        var mutated = normalized.Remove(bound, "i < n;".Length).Insert(bound, "i <= n;");

        using var device = new Device();
        var data = Enumerable.Range(0, 256).Select(i => (float)i).ToArray();
        Assert.Equal(data.Select(v => v * 2).ToArray(), device.Scale(normalized, data, 2f, countArgument: 256L));
        var e = Assert.Throws<CudaException>(() => device.Scale(mutated, data, 2f, countArgument: 256L));
        Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", e.Message, StringComparison.Ordinal);
        Assert.Contains("kernel scale_f32", e.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 1024 of a 1024-byte allocation", e.Message, StringComparison.Ordinal);
        output.WriteLine($"caught: {e.Message}");
    }

    [EmulatedCudaFact]
    public void An_off_by_one_grid_reads_past_the_last_row_or_leaves_it_unwritten()
    {
        // rms_norm runs one block per row (CudaBackend.RmsNorm launches x.RowCount blocks of 256 threads)
        const int rows = 3, dim = 64;
        var x = Enumerable.Range(0, rows * dim).Select(i => (float)Math.Cos(i * 0.11) * (1 + (i % 3))).ToArray();
        var w = Enumerable.Range(0, dim).Select(i => 0.25f + ((i % 4) * 0.5f)).ToArray();
        var expected = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            var mean = Enumerable.Range(0, dim).Select(i => (double)x[(r * dim) + i] * x[(r * dim) + i]).Sum() / dim;
            for (var i = 0; i < dim; i++)
            {
                expected[(r * dim) + i] = (float)(x[(r * dim) + i] / Math.Sqrt(mean + 1e-5) * w[i]);
            }
        }

        var source = NormKernels.Module.FullSource;
        using (var device = new Device())
        {
            Assert.Equal(expected, device.RmsNormRows(source, x, w, dim, grid: rows), new Near(1e-4f));

            // one block too few: the last row is never normalised (its output keeps what was there: zeros here)
            var tooFew = device.RmsNormRows(source, x, w, dim, grid: rows - 1);
            Assert.Equal(expected[..((rows - 1) * dim)], tooFew[..((rows - 1) * dim)], new Near(1e-4f));
            Assert.All(tooFew[((rows - 1) * dim)..], v => Assert.Equal(0f, v));
            output.WriteLine($"caught (grid rows - 1): row {rows - 1} never written, {dim} outputs left at 0");
        }

        // one block too many: block 3 reads row 3, past the 3-row allocation of x
        using (var device = new Device())
        {
            var e = Assert.Throws<CudaException>(() => device.RmsNormRows(source, x, w, dim, grid: rows + 1));
            Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", e.Message, StringComparison.Ordinal);
            Assert.Contains("kernel rms_norm", e.Message, StringComparison.Ordinal);
            Assert.Contains($"of a {rows * dim * 4}-byte allocation", e.Message, StringComparison.Ordinal);
            output.WriteLine($"caught (grid rows + 1): {e.Message}");
        }
    }

    [EmulatedCudaFact]
    public void An_int_passed_where_the_kernel_takes_a_long_long_is_a_launch_error()
    {
        using var device = new Device();
        var data = new float[64];
        var e = Assert.Throws<CudaException>(() => device.Scale(ElementwiseKernels.Module.FullSource, data, 2f, countArgument: 64));
        Assert.Contains("CUDA_ERROR_INVALID_VALUE", e.Message, StringComparison.Ordinal);
        output.WriteLine($"caught: {e.Message}");
    }

    [EmulatedCudaFact]
    public void A_read_past_an_allocation_stops_with_the_kernel_name()
    {
        using var device = new Device();
        // embedding_gather with id 4 on a 4-row table: the host-side range check skipped
        Assert.Equal(16f * 3, device.Gather(rows: 4, dim: 16, id: 3)); // in range: row 3 starts with element 48
        var e = Assert.Throws<CudaException>(() => device.Gather(rows: 4, dim: 16, id: 4));
        Assert.Contains("kernel embedding_gather", e.Message, StringComparison.Ordinal);
        // 256 + 4·lane, lane 0..15: whichever lane the emulator runs first faults (thread order is varied on purpose).
        var offset = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, "out-of-bounds read at byte offset ([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(offset is >= 256 and <= 316 && offset % 4 == 0, $"offset {offset}: {e.Message}");
        Assert.Contains("of a 256-byte allocation", e.Message, StringComparison.Ordinal);
        output.WriteLine($"caught: {e.Message}");
    }

    [EmulatedCudaFact]
    public void A_wrong_lda_is_rejected_or_reads_outside_the_operand()
    {
        using var device = new Device();
        const int m = 5, n = 3, k = 4;
        // transa = T: A is stored k×m, so lda must be at least k (cuBLAS: CUBLAS_STATUS_INVALID_VALUE below that)
        Assert.Equal(0, device.Gemm(CuBlas.OpT, m, n, k, lda: k, out var right));
        Assert.Equal(device.Expected(m, n, k), right, new Near(1e-5f));
        Assert.Equal(7, device.Gemm(CuBlas.OpT, m, n, k, lda: k - 1, out _));
        output.WriteLine("caught (lda = k - 1): cublasGemmEx returned 7, CUBLAS_STATUS_INVALID_VALUE");
        // one too large: the last column of A reaches past its m·k elements
        var e = Assert.Throws<CudaException>(() => device.Gemm(CuBlas.OpT, m, n, k, lda: k + 1, out _));
        Assert.Contains("operand A", e.Message, StringComparison.Ordinal);
        output.WriteLine($"caught (lda = k + 1): {e.Message}");
    }

    [EmulatedCudaFact]
    public void Swapped_transposes_give_a_wrong_product()
    {
        using var device = new Device();
        const int s = 4;
        Assert.Equal(0, device.Gemm(CuBlas.OpT, s, s, s, lda: s, out var right));
        Assert.Equal(device.Expected(s, s, s), right, new Near(1e-5f));
        Assert.Equal(0, device.Gemm(CuBlas.OpN, s, s, s, lda: s, out var swapped));
        Assert.NotEqual(device.Expected(s, s, s), swapped, new Near(1e-5f));
        output.WriteLine($"caught: wrong product, max |error| {device.Expected(s, s, s).Zip(swapped).Max(p => Math.Abs(p.First - p.Second)):G4} against the column-major definition");
    }

    [EmulatedCudaFact]
    public void A_host_read_before_the_stream_is_synchronised_sees_stale_data()
    {
        using var device = new Device();
        var (beforeSync, afterSync) = device.CopyBackWithoutSync([1f, 2f, 3f, 4f]);
        Assert.Equal([0f, 0f, 0f, 0f], beforeSync);
        Assert.Equal([1f, 2f, 3f, 4f], afterSync);
        output.WriteLine($"caught: read before cuStreamSynchronize saw [{string.Join(", ", beforeSync)}], after it [{string.Join(", ", afterSync)}]");
    }

    private sealed class Near(float tolerance) : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) =>
            a is not null && b is not null && a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= tolerance * (1 + Math.Abs(p.First)));

        public int GetHashCode(float[] obj) => obj.Length;
    }

    /// <summary>A context on emulated device 0 with helpers that compile one module and launch one kernel.</summary>
    private sealed class Device : IDisposable
    {
        // the last emulated device: a planted fault makes its context unusable, as on a GPU, and the backend tests
        // running beside these use device 0
        private readonly CudaContext _context = new(Math.Max(0, CudaDriver.Instance.DeviceCount - 1));
        private readonly int _arch;
        private readonly float[] _a;
        private readonly float[] _b;

        public Device()
        {
            _arch = KernelCache.TargetArchitecture(Nvrtc.Instance, _context.ComputeCapability);
            _a = Enumerable.Range(0, 64).Select(i => (float)((i * 7) % 11) - 5).ToArray();
            _b = Enumerable.Range(0, 64).Select(i => (float)((i * 5) % 13) - 6).ToArray();
        }

        private CudaDriver D => _context.Driver;

        public float[] RmsNorm(string source, float[] x, float[] w)
        {
            using var module = Load(source, "rms_norm");
            using var px = Upload(x);
            using var pw = Upload(w);
            using var po = Upload(new float[x.Length]);
            Launch(module.Function("rms_norm"), 1, 256, P(px.Pointer), P(pw.Pointer), I(0), P(po.Pointer), I(x.Length), F(1e-5f));
            return Download(po, x.Length);
        }

        /// <summary>rms_norm over rows of <paramref name="dim"/> launched with <paramref name="grid"/> blocks (the right grid: one per row).</summary>
        public float[] RmsNormRows(string source, float[] x, float[] w, int dim, uint grid)
        {
            using var module = Load(source, "rms_norm");
            using var px = Upload(x);
            using var pw = Upload(w);
            using var po = Upload(new float[x.Length]);
            Launch(module.Function("rms_norm"), grid, 256, P(px.Pointer), P(pw.Pointer), I(0), P(po.Pointer), I(dim), F(1e-5f));
            return Download(po, x.Length);
        }

        public float[] Scale(string source, float[] data, float factor, object countArgument)
        {
            using var module = Load(source, "scale_f32");
            using var p = Upload(data);
            var n = countArgument is long l ? L(l) : I((int)countArgument);
            Launch(module.Function("scale_f32"), 1, 256, P(p.Pointer), F(factor), n);
            return Download(p, data.Length);
        }

        public float Gather(int rows, int dim, int id)
        {
            using var module = Load(ElementwiseKernels.Module.FullSource, "embedding_gather");
            using var table = Upload(Enumerable.Range(0, rows * dim).Select(i => (float)i).ToArray());
            using var ids = new DeviceMemory(_context, 4);
            var idBytes = BitConverter.GetBytes(id);
            fixed (byte* b = idBytes)
            {
                D.Check(D.MemcpyHtoDAsync(ids.Pointer, b, 4, _context.Stream), "cuMemcpyHtoDAsync");
            }

            using var output = Upload(new float[dim]);
            Launch(module.Function("embedding_gather"), 1, 256, P(table.Pointer), I(0), P(ids.Pointer), P(output.Pointer), L(dim), I(dim));
            return Download(output, dim)[0];
        }

        /// <summary>
        /// cuBLAS C[m,n] = op(A)·B (column-major, ldb = k, ldc = m) with A the first m·k and B the first k·n of the fixed
        /// operands, each in an allocation of exactly that size; returns the cuBLAS status.
        /// </summary>
        public int Gemm(int transA, int m, int n, int k, int lda, out float[] c)
        {
            c = [];
            using var a = Upload(_a[..(m * k)]);
            using var b = Upload(_b[..(k * n)]);
            using var pc = Upload(new float[m * n]);
            var status = Call(transA, m, n, k, lda, a.Pointer, b.Pointer, pc.Pointer);
            if (status == 0)
            {
                c = Download(pc, m * n);
            }

            return status;
        }

        /// <summary>The documented result for transa = T: C(i, j) = Σ_l A[l + i·k]·B[l + j·k], at C[i + j·m].</summary>
        public float[] Expected(int m, int n, int k)
        {
            var c = new float[m * n];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var sum = 0f;
                    for (var l = 0; l < k; l++)
                    {
                        sum += _a[l + (i * k)] * _b[l + (j * k)];
                    }

                    c[i + (j * m)] = sum;
                }
            }

            return c;
        }

        public (float[] BeforeSync, float[] AfterSync) CopyBackWithoutSync(float[] data)
        {
            using var p = Upload(data);
            var host = new float[data.Length];
            fixed (float* h = host)
            {
                D.Check(D.MemcpyDtoHAsync(h, p.Pointer, (nuint)(data.Length * 4), _context.Stream), "cuMemcpyDtoHAsync");
                var before = host.ToArray(); // the planted bug: read before cuStreamSynchronize
                _context.Synchronize();
                return (before, host.ToArray());
            }
        }

        public void Dispose() => _context.Dispose();

        private int Call(int transA, int m, int n, int k, int lda, ulong a, ulong b, ulong c)
        {
            var blas = CuBlas.Instance;
            _context.MakeCurrent();
            nint handle;
            blas.Check(blas.Create(&handle), "cublasCreate");
            try
            {
                blas.Check(blas.SetStream(handle, _context.Stream), "cublasSetStream");
                var alpha = 1f;
                var beta = 0f;
                var status = blas.GemmEx(handle, transA, CuBlas.OpN, m, n, k, &alpha, a, CuBlas.CudaR32F, lda, b, CuBlas.CudaR32F, k, &beta, c, CuBlas.CudaR32F, m, CuBlas.Compute32F, CuBlas.GemmDefault);
                if (status == 0)
                {
                    _context.Synchronize();
                }

                return status;
            }
            finally
            {
                _ = blas.Destroy(handle);
            }
        }

        private CudaModule Load(string source, string function)
        {
            var (ptx, _) = Nvrtc.Instance.CompileToPtx(source, "mutant.cu", _arch);
            return new CudaModule(_context, ptx, [function]);
        }

        private DeviceMemory Upload(float[] data) => KernelLaunch.Upload(_context, data);

        private float[] Download(DeviceMemory memory, int count) => KernelLaunch.Download(_context, memory, count);

        private void Launch(nint function, uint grid, uint block, params byte[][] args) => KernelLaunch.Launch(_context, function, grid, block, args);
    }
}

/// <summary>A fact that runs only on the emulated CUDA device (planted bugs are undefined behaviour on a real GPU).</summary>
public sealed class EmulatedCudaFactAttribute : FactAttribute
{
    public EmulatedCudaFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (CudaBackend.Probe() is { } reason)
        {
            Skip = "no CUDA device: " + reason;
        }
        else if (!CudaDriver.Instance.IsEmulated)
        {
            Skip = "a real GPU: planted memory and synchronisation bugs are undefined behaviour there (these run on the emulated device)";
        }
    }
}
