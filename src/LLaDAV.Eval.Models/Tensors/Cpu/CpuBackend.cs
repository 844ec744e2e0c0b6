namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>Which GEMM the CPU backend uses; <see cref="Auto"/> prefers OpenBLAS when the library loads.</summary>
public enum CpuGemmKind
{
    Auto,
    OpenBlas,
    Managed,
}

/// <summary>
/// fp32 CPU implementation of <see cref="IComputeBackend"/>: System.Numerics.Tensors kernels, OpenBLAS or managed
/// GEMM, Parallel.For across rows and heads. Weights are widened to fp32 once, at upload.
/// </summary>
public sealed partial class CpuBackend : IComputeBackend
{
    private readonly IGemm _gemm;

    public CpuBackend(CpuGemmKind gemm = CpuGemmKind.Auto)
    {
        _gemm = gemm switch
        {
            CpuGemmKind.Managed => ManagedGemm.Instance,
            CpuGemmKind.OpenBlas => OpenBlasGemm.Instance ?? throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) is not installed; on Debian: apt-get install -y libopenblas0-pthread."),
            _ => (IGemm?)OpenBlasGemm.Instance ?? ManagedGemm.Instance,
        };
    }

    /// <summary>True when OpenBLAS can be loaded on this machine.</summary>
    public static bool OpenBlasAvailable => OpenBlasGemm.Instance is not null;

    public string Name => "cpu";

    public bool RowInvariantMatMul => _gemm.RowInvariant;

    public string Description => $"cpu fp32, {Environment.ProcessorCount} threads, GEMM: {_gemm.Name}";

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
        CheckLength(data.Length, shape);
        return new Tensor(this, new CpuStorage(data.ToArray()), shape, DType.F32);
    }

    public Tensor Upload(ReadOnlySpan<int> data, TensorShape shape)
    {
        CheckLength(data.Length, shape);
        return new Tensor(this, new CpuStorage(data.ToArray()), shape, DType.I32);
    }

    public Tensor UploadWeights(ReadOnlySpan<byte> data, DType sourceType, TensorShape shape)
    {
        var floats = new float[checked((int)shape.Length)];
        DTypes.ToFloat32(data, sourceType, floats);
        return new Tensor(this, new CpuStorage(floats), shape, DType.F32);
    }

    public void Write(Tensor destination, ReadOnlySpan<float> data)
    {
        CheckLength(data.Length, destination.Shape);
        data.CopyTo(F(destination));
    }

    public void Write(Tensor destination, ReadOnlySpan<int> data)
    {
        CheckLength(data.Length, destination.Shape);
        data.CopyTo(I(destination));
    }

    public void Download(Tensor source, Span<float> destination)
    {
        CheckLength(destination.Length, source.Shape);
        F(source).CopyTo(destination);
    }

    public void Download(Tensor source, Span<int> destination)
    {
        CheckLength(destination.Length, source.Shape);
        I(source).CopyTo(destination);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Length != destination.Length || source.DType != destination.DType)
        {
            throw new ArgumentException($"Copy needs equal length and dtype: {source} → {destination}.", nameof(destination));
        }

        if (source.DType == DType.I32)
        {
            I(source).CopyTo(I(destination));
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

    private static CpuStorage Storage(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.Storage as CpuStorage ?? throw new ArgumentException($"{t} does not live on the CPU backend.", nameof(t));
    }

    private static void CheckLength(int length, TensorShape shape)
    {
        if (length != shape.Length)
        {
            throw new ArgumentException($"{length} elements do not fill a tensor of shape {shape} ({shape.Length} elements).");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
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
