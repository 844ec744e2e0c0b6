using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// One device's primary context (retained, as the CUDA runtime does, so it is shared with any other library in the
/// process) and the non-blocking stream every op of the backend is queued on. The context is made current on each
/// calling thread before work is issued, because the model code may call from any thread.
/// </summary>
internal sealed unsafe class CudaContext : IDisposable
{
    private nint _context;
    private nint _stream;
    private bool _disposed;

    public CudaContext(int ordinal)
    {
        Driver = CudaDriver.Instance;
        var count = Driver.DeviceCount;
        if (count == 0)
        {
            throw new CudaUnavailableException("libcuda.so.1", "no CUDA device: the driver reports 0 devices (check nvidia-smi and CUDA_VISIBLE_DEVICES).");
        }

        if (ordinal < 0 || ordinal >= count)
        {
            throw new CudaUnavailableException("libcuda.so.1", $"no CUDA device {ordinal}: the driver reports {count} device(s), cuda:0..cuda:{count - 1}.");
        }

        int device;
        Driver.Check(Driver.DeviceGet(&device, ordinal), "cuDeviceGet");
        Device = device;
        Ordinal = ordinal;
        nint context;
        Driver.Check(Driver.DevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        _context = context;
        MakeCurrent();
        nint stream;
        Driver.Check(Driver.StreamCreate(&stream, CudaDriver.StreamNonBlocking), "cuStreamCreate");
        _stream = stream;
        Name = Driver.DeviceName(device);
        ComputeCapability = Driver.ComputeCapability(device);
        TotalMemory = Driver.TotalMemory(device);
    }

    public CudaDriver Driver { get; }

    public int Device { get; }

    public int Ordinal { get; }

    public string Name { get; }

    /// <summary>SM number, e.g. 90.</summary>
    public int ComputeCapability { get; }

    public long TotalMemory { get; }

    public nint Stream => _stream;

    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Driver.Check(Driver.CtxSetCurrent(_context), "cuCtxSetCurrent");
    }

    /// <summary>Waits for everything queued on the stream; errors of earlier asynchronous launches surface here.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        Driver.Check(Driver.StreamSynchronize(_stream), "cuStreamSynchronize");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _ = Driver.CtxSetCurrent(_context);
        if (_stream != 0)
        {
            _ = Driver.StreamSynchronize(_stream);
            _ = Driver.StreamDestroy(_stream);
            _stream = 0;
        }

        _ = Driver.DevicePrimaryCtxRelease(Device);
        _context = 0;
        _disposed = true;
    }

    /// <summary>Context handle for <see cref="DeviceMemory"/> release on whatever thread disposes it.</summary>
    internal nint Handle => _context;
}
