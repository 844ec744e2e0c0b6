using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// A device allocation (cuMemAlloc) owned SafeHandle-style: freed exactly once, by Dispose or by the finalizer, with
/// the owning context made current first because cuMemFree acts on the calling thread's current context. Freeing
/// while kernels that use the buffer are still queued is safe: cuMemFree, like cudaFree, waits for outstanding work
/// on the device (CUDA Runtime API, "API synchronization behavior").
/// </summary>
internal sealed unsafe class DeviceMemory : SafeHandle
{
    private readonly CudaContext _context;

    public DeviceMemory(CudaContext context, long bytes)
        : base(0, ownsHandle: true)
    {
        _context = context;
        Bytes = bytes;
        context.MakeCurrent();
        ulong pointer;
        // cuMemAlloc rejects 0 bytes; a 1-byte allocation keeps every tensor backed by a valid address.
        context.Driver.Check(context.Driver.MemAlloc(&pointer, (nuint)Math.Max(bytes, 1)), $"cuMemAlloc({bytes} bytes)");
        SetHandle((nint)pointer);
    }

    public long Bytes { get; }

    public ulong Pointer => (ulong)handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        var driver = _context.Driver;
        if (_context.Handle == 0)
        {
            return true; // the context was released first and took its allocations with it
        }

        _ = driver.CtxSetCurrent(_context.Handle);
        return driver.MemFree((ulong)handle) == 0;
    }
}
