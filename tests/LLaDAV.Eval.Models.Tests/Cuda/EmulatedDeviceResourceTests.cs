using System.Globalization;
using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// The emulated device must not break the process it runs in. First, it must not use up its memory mappings: Linux
/// caps a process at vm.max_map_count of them (65,530 by default), and past it the .NET runtime dies ("Failed to
/// create RW mapping for RX memory") and takes every test of the process with it. Before the fix each loaded module mapped its own 1,024 fiber stacks with a guard page
/// each (2,048 mappings a module, and every backend instance loads its modules anew): the CUDA tests of one process died
/// after a few dozen backends (tests/cuda-emulator/README.md). Second, the fault handlers a launch installs must leave
/// other threads' faults to the .NET runtime.
/// </summary>
public sealed class EmulatedDeviceResourceTests(ITestOutputHelper output)
{
    private const int Modules = 12;

    [EmulatedCudaFact]
    public void Loading_modules_keeps_the_process_memory_mappings_bounded()
    {
        using var context = new CudaContext(0);
        var arch = KernelCache.TargetArchitecture(Nvrtc.Instance, context.ComputeCapability);
        var (ptx, _) = Nvrtc.Instance.CompileToPtx(ElementwiseKernels.Module.FullSource, "elementwise.cu", arch);
        var data = Enumerable.Range(0, 256).Select(i => (float)i).ToArray();

        // one launch first, so the stacks every launch shares are already counted in the baseline
        ScaleOnce(context, ptx, data);
        var before = Mappings();
        for (var i = 0; i < Modules; i++)
        {
            Assert.Equal(data.Select(v => v * 2).ToArray(), ScaleOnce(context, ptx, data));
        }

        var added = Mappings() - before;
        output.WriteLine($"memory mappings: {before} before, +{added} after {Modules} module loads");

        // a module is its shared object (a handful of mappings: text, data, relro, bss); 64 leaves ample room, where a
        // pool of fiber stacks per module is 2,048
        Assert.True(added < Modules * 64, $"{Modules} module loads added {added} memory mappings");
    }

    [EmulatedCudaFact]
    public void A_managed_fault_on_another_thread_while_a_kernel_runs_stays_that_threads_exception()
    {
        // A kernel launch takes over SIGSEGV/SIGBUS/SIGFPE (the emulator turns a kernel's out-of-bounds access into
        // CUDA_ERROR_ILLEGAL_ADDRESS), and signal handlers are process-wide, while .NET raises NullReferenceException
        // and DivideByZeroException from those very signals on whatever thread runs managed code. Before the fix such
        // a fault on another thread during a launch jumped into the kernel thread's fault handling and the process died.
        using var context = new CudaContext(0);
        var arch = KernelCache.TargetArchitecture(Nvrtc.Instance, context.ComputeCapability);
        var (ptx, _) = Nvrtc.Instance.CompileToPtx(ElementwiseKernels.Module.FullSource, "elementwise.cu", arch);
        var data = Enumerable.Range(0, 1 << 22).Select(i => (float)(i % 1000)).ToArray();
        var expected = data.Select(v => v * 2).ToArray();

        using var done = new ManualResetEventSlim();
        int nullReferences = 0, divisions = 0;
        var other = new Thread(() =>
        {
            object? nothing = null;
            var zero = 0;
            while (!done.IsSet)
            {
                try
                {
                    _ = nothing!.GetHashCode();
                }
                catch (NullReferenceException)
                {
                    nullReferences++;
                }

                try
                {
                    _ = 1 / zero;
                }
                catch (DivideByZeroException)
                {
                    divisions++;
                }
            }
        });
        other.Start();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(expected, ScaleOnce(context, ptx, data));
            }
        }
        finally
        {
            done.Set();
            other.Join();
        }

        output.WriteLine($"during 4 launches the other thread caught {nullReferences} NullReferenceExceptions and {divisions} DivideByZeroExceptions");
        Assert.True(nullReferences > 0 && divisions > 0);
    }

    private static float[] ScaleOnce(CudaContext context, string ptx, float[] data)
    {
        using var module = new CudaModule(context, ptx, ["scale_f32"]);
        using var memory = KernelLaunch.Upload(context, data);

        // scale_f32(float* x, float factor, long long n)
        KernelLaunch.Launch(context, module.Function("scale_f32"), 1, 256, KernelLaunch.P(memory.Pointer), KernelLaunch.F(2f), KernelLaunch.L(data.Length));
        return KernelLaunch.Download(context, memory, data.Length);
    }

    private static int Mappings() => File.ReadLines("/proc/self/maps").Count();
}
