namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// Times work queued on a stream with a pair of CUDA events (cuEventRecord before and after, cuEventSynchronize,
/// cuEventElapsedTime): GPU time of the queued kernels, independent of how early the host returned from the launches.
/// </summary>
internal sealed unsafe class CudaEventTimer : IDisposable
{
    private readonly CudaContext _context;
    private nint _start;
    private nint _stop;

    public CudaEventTimer(CudaContext context)
    {
        _context = context;
        context.MakeCurrent();
        nint start, stop;
        context.Driver.Check(context.Driver.EventCreate(&start, Interop.CudaDriver.EventDefault), "cuEventCreate");
        _start = start;
        context.Driver.Check(context.Driver.EventCreate(&stop, Interop.CudaDriver.EventDefault), "cuEventCreate");
        _stop = stop;
    }

    /// <summary>Milliseconds of GPU time the work queued by <paramref name="action"/> took.</summary>
    public float Measure(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var driver = _context.Driver;
        _context.MakeCurrent();
        driver.Check(driver.EventRecord(_start, _context.Stream), "cuEventRecord");
        action();
        _context.MakeCurrent();
        driver.Check(driver.EventRecord(_stop, _context.Stream), "cuEventRecord");
        driver.Check(driver.EventSynchronize(_stop), "cuEventSynchronize");
        float ms;
        driver.Check(driver.EventElapsedTime(&ms, _start, _stop), "cuEventElapsedTime");
        return ms;
    }

    public void Dispose()
    {
        if (_start != 0)
        {
            _ = _context.Driver.EventDestroy(_start);
            _start = 0;
        }

        if (_stop != 0)
        {
            _ = _context.Driver.EventDestroy(_stop);
            _stop = 0;
        }
    }
}
