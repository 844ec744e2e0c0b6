using System.Globalization;
using System.Runtime.InteropServices;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// <see cref="IComputeBackend"/> on one NVIDIA GPU: GEMMs through cuBLAS (<c>cublasGemmEx</c> with fp32 accumulation),
/// everything else through the project's NVRTC-compiled kernels (<see cref="KernelSources"/>), all queued on one
/// stream and synchronised only when data comes back to the host. Weights keep the checkpoint's dtype on the device
/// (bf16 stays bf16; f16 is widened to fp32); activations are fp32. A bf16 GEMM rounds its fp32 activation operand to
/// bf16 first (cuBLAS needs both operands in one type), as a bf16 PyTorch model does; fp32 weights get an fp32 GEMM.
/// Libraries load lazily, on the first CUDA backend created; none of this runs for <c>--device cpu</c>.
/// Not thread-safe: one model drives one backend from one thread at a time.
/// </summary>
public sealed unsafe partial class CudaBackend : IComputeBackend
{
    private const int ThreadsPerBlock = 256;

    private readonly CudaContext _context;
    private readonly CuBlas _cublas;
    private readonly nint _cublasHandle;
    private readonly Dictionary<string, CudaModule> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, nint> _functions = new(StringComparer.Ordinal);
    private DeviceMemory? _scratch;
    private bool _disposed;

    /// <summary>
    /// Opens device <paramref name="ordinal"/>; throws <see cref="CudaUnavailableException"/> naming what is missing.
    /// <paramref name="weights"/> chooses how checkpoint weights are stored (<see cref="CudaWeightStorage"/>).
    /// </summary>
    public CudaBackend(int ordinal = 0, CudaWeightStorage weights = CudaWeightStorage.CheckpointDType)
    {
        WeightStorage = weights;
        // the driver first: on a machine without a GPU, libcuda/the device is what is missing, and naming NVRTC
        // (a toolkit library) instead would send the user to install the wrong thing
        _context = new CudaContext(ordinal);
        try
        {
            var nvrtc = Nvrtc.Instance;
            _cublas = CuBlas.Instance;
            Architecture = KernelCache.TargetArchitecture(nvrtc, _context.ComputeCapability);
            foreach (var source in KernelSources.All)
            {
                var module = new CudaModule(_context, KernelCache.GetPtx(source, Architecture), source.Functions);
                _modules[source.Name] = module;
                foreach (var f in source.Functions)
                {
                    _functions[f] = module.Function(f);
                }
            }

            _context.MakeCurrent();
            nint handle;
            _cublas.Check(_cublas.Create(&handle), "cublasCreate");
            _cublasHandle = handle;
            _cublas.Check(_cublas.SetStream(handle, _context.Stream), "cublasSetStream");
            int version;
            _cublas.Check(_cublas.GetVersion(handle, &version), "cublasGetVersion");
            Name = "cuda:" + ordinal.ToString(CultureInfo.InvariantCulture);
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"{Name} {_context.Name} (sm_{_context.ComputeCapability}, {_context.TotalMemory / (1L << 30)} GiB), driver {_context.Driver.Version}, weights: {(weights == CudaWeightStorage.Fp32 ? "fp32" : "checkpoint dtype")}, GEMM: cuBLAS {version} GemmEx bf16/fp32 with fp32 accumulate, kernels: NVRTC {nvrtc.Version} compute_{Architecture}");
        }
        catch
        {
            Release();
            throw;
        }
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>
    /// False: cublasGemmEx's heuristics pick the kernel (tile shape, split-K) from M, N and K, so a row's bits may change
    /// with the number of rows beside it. Batched generation therefore runs one GEMM per sequence here unless the
    /// model is told to pack anyway (<c>batch_packing=always</c>), trading bit-identity with batch size 1 for throughput.
    /// </summary>
    public bool RowInvariantMatMul => false;

    /// <summary>The compute_XY the kernels were compiled for.</summary>
    public int Architecture { get; }

    /// <summary>Device index (the N of cuda:N).</summary>
    public int Ordinal => _context.Ordinal;

    public CudaWeightStorage WeightStorage { get; }

    /// <summary>
    /// True on the emulated device of tests/cuda-emulator (kernels run on the CPU): its name says "emulated device"
    /// and its event times are not GPU timings.
    /// </summary>
    public bool IsEmulated => _context.Driver.IsEmulated;

    /// <summary>Creates the backend for <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static CudaBackend Create(string device, CudaWeightStorage weights = CudaWeightStorage.CheckpointDType)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var parts = device.Split(':', 2);
        if (!parts[0].Equals("cuda", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{device}' is not a CUDA device; use cuda or cuda:N.", nameof(device));
        }

        var ordinal = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ordinal) || ordinal < 0))
        {
            throw new ArgumentException($"'{device}': the device index after 'cuda:' must be a non-negative integer.", nameof(device));
        }

        return new CudaBackend(ordinal, weights);
    }

    /// <summary>Null when a CUDA backend can be created here; otherwise why not (missing library, no device).</summary>
    public static string? Probe()
    {
        try
        {
            // Same order as the constructor: the driver and a device first, then the toolkit libraries.
            if (CudaDriver.Instance.DeviceCount == 0)
            {
                return "the CUDA driver reports 0 devices";
            }

            _ = Nvrtc.Instance.Version;

            _ = CuBlas.Instance;
            return null;
        }
        catch (CudaUnavailableException e)
        {
            return e.Message;
        }
        catch (CudaException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The devices the CUDA driver reports (after <c>CUDA_VISIBLE_DEVICES</c>), and whether that driver is the emulated
    /// device of tests/cuda-emulator (it says so itself: <see cref="CudaDriver.EmulatorMarker"/>); (0, false) where no
    /// driver loads.
    /// </summary>
    public static (int Count, bool Emulated) Devices()
    {
        try
        {
            var driver = CudaDriver.Instance;
            return (driver.DeviceCount, driver.IsEmulated);
        }
        catch (Exception e) when (e is CudaUnavailableException or CudaException)
        {
            return (0, false);
        }
    }

    /// <summary>Blocks until all queued work is done (for timing; downloads synchronise on their own).</summary>
    public void Synchronize() => _context.Synchronize();

    /// <summary>GPU milliseconds of the ops <paramref name="action"/> queues, measured with CUDA events on the backend's stream.</summary>
    public float MeasureMilliseconds(Action action)
    {
        using var timer = new CudaEventTimer(_context);
        return timer.Measure(action);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Release();
        _disposed = true;
    }

    private void Release()
    {
        if (_cublasHandle != 0)
        {
            _context.MakeCurrent();
            _ = _cublas.Destroy(_cublasHandle);
        }

        _scratch?.Dispose();
        foreach (var m in _modules.Values)
        {
            m.Dispose();
        }

        _context.Dispose();
    }

    // ---- memory ----

    public Tensor Allocate(TensorShape shape, DType dtype = DType.F32)
    {
        if (dtype == DType.F16)
        {
            throw new ArgumentException("The CUDA backend keeps f16 weights as fp32; it does not allocate f16 tensors.", nameof(dtype));
        }

        var t = NewTensor(shape, dtype);
        var bytes = shape.Length * DTypes.SizeOf(dtype);
        if (bytes > 0)
        {
            _context.Driver.Check(_context.Driver.MemsetD8Async(Pointer(t), 0, (nuint)bytes, _context.Stream), "cuMemsetD8Async");
        }

        return t;
    }

    public Tensor Upload(ReadOnlySpan<float> data, TensorShape shape)
    {
        OpContracts.Upload(data.Length, shape);
        var t = NewTensor(shape, DType.F32);
        CopyIn(t, MemoryMarshal.AsBytes(data));
        return t;
    }

    public Tensor Upload(ReadOnlySpan<int> data, TensorShape shape)
    {
        OpContracts.Upload(data.Length, shape);
        var t = NewTensor(shape, DType.I32);
        CopyIn(t, MemoryMarshal.AsBytes(data));
        return t;
    }

    public Tensor UploadWeights(ReadOnlySpan<byte> data, DType sourceType, TensorShape shape)
    {
        OpContracts.UploadWeights(data.Length, sourceType, shape);
        switch (sourceType)
        {
            case DType.BF16 when WeightStorage == CudaWeightStorage.Fp32:
                var widened = new float[checked((int)shape.Length)];
                DTypes.ToFloat32(data, sourceType, widened);
                return Upload(widened, shape);
            case DType.BF16:
            case DType.F32:
                var t = NewTensor(shape, sourceType);
                CopyIn(t, data);
                return t;
            case DType.F16:
                var floats = new float[checked((int)shape.Length)];
                DTypes.ToFloat32(data, sourceType, floats);
                return Upload(floats, shape);
            default:
                throw new ArgumentException($"Weights are bf16, f16 or f32, not {sourceType}.", nameof(sourceType));
        }
    }

    public void Write(Tensor destination, ReadOnlySpan<float> data)
    {
        OpContracts.Write(destination, data.Length, DType.F32);
        CopyIn(destination, MemoryMarshal.AsBytes(data));
    }

    public void Write(Tensor destination, ReadOnlySpan<int> data)
    {
        OpContracts.Write(destination, data.Length, DType.I32);
        CopyIn(destination, MemoryMarshal.AsBytes(data));
    }

    public void Download(Tensor source, Span<float> destination)
    {
        OpContracts.Download(source, destination.Length, DType.F32);
        if (source.DType == DType.BF16)
        {
            var raw = new byte[destination.Length * 2];
            CopyOut(source, raw);
            DTypes.ToFloat32(raw, DType.BF16, destination);
            return;
        }

        CopyOut(source, MemoryMarshal.AsBytes(destination));
    }

    public void Download(Tensor source, Span<int> destination)
    {
        OpContracts.Download(source, destination.Length, DType.I32);
        CopyOut(source, MemoryMarshal.AsBytes(destination));
    }

    /// <summary>
    /// Device-to-device copy. A bf16 weight copied into an fp32 tensor (the CPU backend holds that weight in fp32, so
    /// model code copies it into activations) is widened exactly on the way.
    /// </summary>
    public void Copy(Tensor source, Tensor destination)
    {
        if (OpContracts.Copy(source, destination))
        {
            Launch("bf16_to_f32", Blocks(source.Length), 1, ThreadsPerBlock, Arg(Pointer(source)), Arg(Pointer(destination)), Arg(source.Length));
            return;
        }

        var bytes = source.Length * DTypes.SizeOf(source.DType);
        if (bytes == 0)
        {
            return;
        }

        _context.MakeCurrent();
        _context.Driver.Check(_context.Driver.MemcpyDtoDAsync(Pointer(destination), Pointer(source), (nuint)bytes, _context.Stream), "cuMemcpyDtoDAsync");
    }

    // ---- helpers ----

    private Tensor NewTensor(TensorShape shape, DType dtype)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var memory = new DeviceMemory(_context, shape.Length * DTypes.SizeOf(dtype));
        return new Tensor(this, new CudaStorage(memory, shape.Length, dtype), shape, dtype);
    }

    /// <summary>Host → device on the backend's stream. From pageable memory the call returns once the data is staged
    /// (CUDA "API synchronization behavior"), so the caller's span may be reused immediately.</summary>
    private void CopyIn(Tensor t, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        _context.MakeCurrent();
        fixed (byte* p = bytes)
        {
            _context.Driver.Check(_context.Driver.MemcpyHtoDAsync(Pointer(t), p, (nuint)bytes.Length, _context.Stream), "cuMemcpyHtoDAsync");
        }
    }

    /// <summary>Device → host, then waits for the stream: errors of earlier asynchronous kernels surface here.</summary>
    private void CopyOut(Tensor t, Span<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        _context.MakeCurrent();
        fixed (byte* p = bytes)
        {
            _context.Driver.Check(_context.Driver.MemcpyDtoHAsync(p, Pointer(t), (nuint)bytes.Length, _context.Stream), "cuMemcpyDtoHAsync");
            _context.Driver.Check(_context.Driver.StreamSynchronize(_context.Stream), "cuStreamSynchronize");
        }
    }

    /// <summary>Device address of a tensor's element 0 (its storage plus the view offset).</summary>
    private static ulong Pointer(Tensor t)
    {
        var storage = t.Storage as CudaStorage ?? throw new ArgumentException($"{t} does not live on a CUDA backend.", nameof(t));
        return storage.Memory.Pointer + (ulong)(t.Offset * DTypes.SizeOf(t.DType));
    }

    /// <summary>A scratch buffer of at least <paramref name="bytes"/>; stream order makes reuse across ops safe.</summary>
    private ulong Scratch(long bytes)
    {
        if (_scratch is null || _scratch.Bytes < bytes)
        {
            // Queued kernels may still read the old buffer: drain the stream before freeing it (growth is rare).
            if (_scratch is not null)
            {
                _context.Synchronize();
                _scratch.Dispose();
            }

            _scratch = new DeviceMemory(_context, Math.Max(bytes, 1L << 20));
        }

        return _scratch.Pointer;
    }

    /// <summary>Weights read by kernels (norm weights, biases, tables) may be fp32 or bf16; returns the kernel's is_bf16 flag.</summary>
    private static int WeightFlag(Tensor t) => t.DType switch
    {
        DType.BF16 => 1,
        DType.F32 => 0,
        _ => throw new ArgumentException($"Expected an fp32 or bf16 weight, got {t}.", nameof(t)),
    };

    // ---- kernel launches ----

    private static KernelArg Arg(ulong pointer) => new(pointer, sizeof(ulong));

    private static KernelArg Arg(int value) => new((uint)value, sizeof(int));

    private static KernelArg Arg(long value) => new((ulong)value, sizeof(long));

    private static KernelArg Arg(float value) => new(BitConverter.SingleToUInt32Bits(value), sizeof(float));

    /// <summary>
    /// cuLaunchKernel with the arguments packed into one parameter buffer passed through <c>extra</c>
    /// (CU_LAUNCH_PARAM_BUFFER_POINTER / CU_LAUNCH_PARAM_BUFFER_SIZE): each argument at the next multiple of its own
    /// size (4 for int/float, 8 for pointers/long long), as the kernel's parameter layout has it (Driver API,
    /// cuLaunchKernel: the buffer "needs to honor all alignment/padding requirements"). The driver checks the buffer
    /// size against the kernel's parameters, so an int passed where the kernel takes a long long, or a missing
    /// argument, is a launch error instead of a silently misread value (with kernelParams and 8-byte slots it was not).
    /// </summary>
    private void Launch(string kernel, uint gridX, uint gridY, uint block, params ReadOnlySpan<KernelArg> args)
    {
        if (gridX == 0 || gridY == 0)
        {
            return;
        }

        _context.MakeCurrent();
        var buffer = stackalloc byte[args.Length * sizeof(ulong)];
        nuint size = 0;
        foreach (var a in args)
        {
            size = (size + (nuint)a.Size - 1) / (nuint)a.Size * (nuint)a.Size;
            if (a.Size == sizeof(ulong))
            {
                *(ulong*)(buffer + size) = a.Bits;
            }
            else
            {
                *(uint*)(buffer + size) = (uint)a.Bits;
            }

            size += (nuint)a.Size;
        }

        var extra = stackalloc void*[5];
        extra[0] = (void*)1; // CU_LAUNCH_PARAM_BUFFER_POINTER
        extra[1] = buffer;
        extra[2] = (void*)2; // CU_LAUNCH_PARAM_BUFFER_SIZE
        extra[3] = &size;
        extra[4] = null; // CU_LAUNCH_PARAM_END
        _context.Driver.Check(
            _context.Driver.LaunchKernel(_functions[kernel], gridX, gridY, 1, block, 1, 1, 0, _context.Stream, null, extra),
            $"cuLaunchKernel({kernel})");
    }

    /// <summary>One kernel argument: its bits and its size in the parameter buffer (4 or 8 bytes).</summary>
    private readonly record struct KernelArg(ulong Bits, int Size);

    /// <summary>
    /// Threads per block each kernel is launched with: 256, attention 8 warps (one query row each). The toolchain report
    /// (<see cref="KernelResourceReport"/>) checks ptxas's registers × these threads against the SM's register file.
    /// </summary>
    internal static int ThreadsPerBlockOf(string kernel) =>
        kernel == "attention_flash" ? 32 * AttentionKernels.QueryRowsPerBlock : ThreadsPerBlock;

    /// <summary>Grid for a grid-stride loop over <paramref name="n"/> elements (capped; the loop covers the rest).</summary>
    private static uint Blocks(long n) => (uint)Math.Min((n + ThreadsPerBlock - 1) / ThreadsPerBlock, 1L << 16);
}
