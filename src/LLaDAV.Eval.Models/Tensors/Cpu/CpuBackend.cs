namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>Which GEMM the CPU backend uses; <see cref="Auto"/> prefers OpenBLAS when the library loads.</summary>
public enum CpuGemmKind
{
    Auto,
    OpenBlas,
    Managed,
}

/// <summary>
/// CPU implementation of <see cref="IComputeBackend"/>: System.Numerics.Tensors kernels, OpenBLAS or managed GEMM,
/// Parallel.For across rows and heads. <see cref="CpuComputeType.Fp32"/> (the default) widens weights to fp32 once, at
/// upload; <see cref="CpuComputeType.Bf16"/> keeps bf16 weight matrices bf16 and runs their GEMMs in bf16 with fp32
/// accumulation (<see cref="DnnlBf16Gemm"/>), every other op staying fp32, as <see cref="Cuda.CudaBackend"/> does.
/// </summary>
public sealed partial class CpuBackend : IComputeBackend
{
    private readonly IGemm _gemm;
    private readonly DnnlBf16Gemm? _bf16;

    public CpuBackend(CpuGemmKind gemm = CpuGemmKind.Auto, CpuComputeType compute = CpuComputeType.Fp32)
        : this(gemm, compute, CpuFeatures.Current)
    {
    }

    /// <summary>With the CPU features given, so the fallback when a CPU lacks AVX512-BF16 can be tested on one that has it.</summary>
    internal CpuBackend(CpuGemmKind gemm, CpuComputeType compute, CpuFeatures features)
    {
        _gemm = gemm switch
        {
            CpuGemmKind.Managed => ManagedGemm.Instance,
            CpuGemmKind.OpenBlas => OpenBlasGemm.Instance ?? throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) is not installed; on Debian: apt-get install -y libopenblas0-pthread."),
            _ => (IGemm?)OpenBlasGemm.Instance ?? ManagedGemm.Instance,
        };
        Compute = compute;
        if (compute == CpuComputeType.Bf16)
        {
            var dnnl = DnnlBf16Gemm.Instance;
            _bf16 = Bf16Unavailable(features, dnnl is not null) is { } why ? throw new NotSupportedException(why) : dnnl;
        }
    }

    /// <summary>True when OpenBLAS can be loaded on this machine.</summary>
    public static bool OpenBlasAvailable => OpenBlasGemm.Instance is not null;

    /// <summary>Null when <c>--dtype bf16</c> can run on this machine, else the reason (CPU feature or library missing).</summary>
    public static string? Bf16UnavailableReason => Bf16Unavailable(CpuFeatures.Current, DnnlBf16Gemm.Instance is not null);

    public CpuComputeType Compute { get; }

    public string Name => "cpu";

    /// <summary>The fp32 GEMM's property; oneDNN's bf16 GEMM picks kernels and blocking by shape, so the bf16 path is not row-invariant.</summary>
    public bool RowInvariantMatMul => Compute == CpuComputeType.Fp32 && _gemm.RowInvariant;

    public string Description => Compute == CpuComputeType.Bf16
        ? $"cpu bf16 (bf16 weight matrices, activations rounded to bf16 at the GEMM input, fp32 accumulation), {Environment.ProcessorCount} threads, GEMM: {_bf16!.Name}; fp32 GEMM (attention): {_gemm.Name}"
        : $"cpu fp32, {Environment.ProcessorCount} threads, GEMM: {_gemm.Name}";

    /// <summary>
    /// Why bf16 compute cannot run: the CPU must have AVX512-BF16 (oneDNN's bf16 GEMM elsewhere either refuses or
    /// emulates it on fp32 units, slower than our fp32 path, so we say so instead of running it) and libdnnl must load.
    /// </summary>
    internal static string? Bf16Unavailable(CpuFeatures features, bool dnnlLoaded, string bf16 = "--dtype bf16", string fp32 = "--dtype fp32") =>
        !features.Avx512Bf16
            ? $"{bf16} on the CPU needs AVX512-BF16 (CPUID leaf 7 sub-leaf 1 EAX bit 5; e.g. AMD Zen 4, Intel Cooper Lake / Sapphire Rapids), which this CPU does not report; run with {fp32} (the CPU default)."
            : !dnnlLoaded
                ? $"{bf16} on the CPU needs oneDNN (libdnnl.so.2), which is not installed; on Debian: apt-get install -y libdnnl2, or run with {fp32} (the CPU default)."
                : null;

    /// <summary><see cref="Bf16UnavailableReason"/> in the words of the setting that asked for bf16 (e.g. a model-args key).</summary>
    public static string? Bf16UnavailableReasonFor(string bf16Setting, string fp32Setting) =>
        Bf16Unavailable(CpuFeatures.Current, DnnlBf16Gemm.Instance is not null, bf16Setting, fp32Setting);

    public void Dispose()
    {
        // Host arrays only.
    }

    public Tensor Allocate(TensorShape shape, DType dtype = DType.F32)
    {
        var n = checked((int)shape.Length);
        return dtype switch
        {
            DType.I32 => new Tensor(this, new CpuStorage(new int[n]), shape, DType.I32),
            DType.F32 => new Tensor(this, new CpuStorage(new float[n]), shape, DType.F32),
            _ => throw new ArgumentException($"The CPU backend computes in fp32; it does not allocate {dtype} tensors.", nameof(dtype)),
        };
    }

    public Tensor Upload(ReadOnlySpan<float> data, TensorShape shape)
    {
        OpContracts.Upload(data.Length, shape);
        return new Tensor(this, new CpuStorage(data.ToArray()), shape, DType.F32);
    }

    public Tensor Upload(ReadOnlySpan<int> data, TensorShape shape)
    {
        OpContracts.Upload(data.Length, shape);
        return new Tensor(this, new CpuStorage(data.ToArray()), shape, DType.I32);
    }

    public Tensor UploadWeights(ReadOnlySpan<byte> data, DType sourceType, TensorShape shape)
    {
        OpContracts.UploadWeights(data.Length, sourceType, shape);
        // bf16 path: matrices (GEMM weights, embedding tables) keep their bf16 bits, 2 bytes per parameter; vectors
        // (norm weights, biases: a negligible share of the bytes) are widened so the fp32 row ops read them as before
        if (Compute == CpuComputeType.Bf16 && sourceType == DType.BF16 && shape.Rank >= 2)
        {
            return new Tensor(this, new CpuStorage(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data).ToArray()), shape, DType.BF16);
        }

        var floats = new float[checked((int)shape.Length)];
        DTypes.ToFloat32(data, sourceType, floats);
        return new Tensor(this, new CpuStorage(floats), shape, DType.F32);
    }

    public void Write(Tensor destination, ReadOnlySpan<float> data)
    {
        OpContracts.Write(destination, data.Length, DType.F32);
        data.CopyTo(F(destination));
    }

    public void Write(Tensor destination, ReadOnlySpan<int> data)
    {
        OpContracts.Write(destination, data.Length, DType.I32);
        data.CopyTo(I(destination));
    }

    public void Download(Tensor source, Span<float> destination)
    {
        OpContracts.Download(source, destination.Length, DType.F32);
        if (source.DType == DType.BF16)
        {
            WidenBf16(H(source), destination);
            return;
        }

        F(source).CopyTo(destination);
    }

    public void Download(Tensor source, Span<int> destination)
    {
        OpContracts.Download(source, destination.Length, DType.I32);
        I(source).CopyTo(destination);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        if (OpContracts.Copy(source, destination))
        {
            WidenBf16(H(source), F(destination));
            return;
        }

        if (source.DType == DType.I32)
        {
            I(source).CopyTo(I(destination));
        }
        else if (source.DType == DType.BF16)
        {
            H(source).CopyTo(Storage(destination).Bf16.AsSpan(checked((int)destination.Offset), checked((int)destination.Length)));
        }
        else
        {
            F(source).CopyTo(F(destination));
        }
    }

    internal static float[] Array(Tensor t) => Storage(t).Floats;

    internal static Span<float> F(Tensor t)
    {
        if (t.DType != DType.F32)
        {
            throw new ArgumentException($"Expected an fp32 tensor, got {t}.", nameof(t));
        }

        return Storage(t).Floats.AsSpan(checked((int)t.Offset), checked((int)t.Length));
    }

    internal static Span<int> I(Tensor t)
    {
        if (t.DType != DType.I32)
        {
            throw new ArgumentException($"Expected an i32 tensor, got {t}.", nameof(t));
        }

        return Storage(t).Ints.AsSpan(checked((int)t.Offset), checked((int)t.Length));
    }

    internal static ReadOnlySpan<ushort> H(Tensor t)
    {
        if (t.DType != DType.BF16)
        {
            throw new ArgumentException($"Expected a bf16 tensor, got {t}.", nameof(t));
        }

        return Storage(t).Bf16.AsSpan(checked((int)t.Offset), checked((int)t.Length));
    }

    private static CpuStorage Storage(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.Storage as CpuStorage ?? throw new ArgumentException($"{t} does not live on the CPU backend.", nameof(t));
    }

    internal static ReadOnlySpan<float> Row(Tensor t, int row) => F(t).Slice(row * t.RowLength, t.RowLength);

    internal static Span<float> MutableRow(Tensor t, int row) => F(t).Slice(row * t.RowLength, t.RowLength);

    private static int Threads(long work) => work < 1 << 15 ? 1 : Environment.ProcessorCount;

    /// <summary>Runs body(row) over rows, in parallel when the work is large enough to pay for it.</summary>
    private static void ForRows(int rows, long workPerRow, Action<int> body)
    {
        if (Threads(rows * workPerRow) == 1 || rows == 1)
        {
            for (var r = 0; r < rows; r++)
            {
                body(r);
            }
        }
        else
        {
            Parallel.For(0, rows, body);
        }
    }
}
