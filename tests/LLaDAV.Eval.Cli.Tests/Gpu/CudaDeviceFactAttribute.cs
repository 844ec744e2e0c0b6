using System.Runtime.CompilerServices;
using LLaDAV.Eval.Models.Tensors.Cuda;

namespace LLaDAV.Eval.Cli.Tests.Gpu;

/// <summary>
/// A fact that needs <see cref="Devices"/> CUDA devices: a GPU, or the emulated device scripts/test.sh puts first
/// (<c>LLADAV_CUDA_LIBRARY_PATH</c>, two devices). Skipped with the reason elsewhere. <see cref="EmulatedOnly"/>: a fact
/// about how the emulated device is labelled.
/// </summary>
public sealed class CudaDeviceFactAttribute : FactAttribute
{
    public CudaDeviceFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = Reason(1, false);
    }

    public int Devices
    {
        get => field == 0 ? 1 : field;
        set
        {
            field = value;
            Skip = Reason(value, EmulatedOnly);
        }
    }

    public bool EmulatedOnly
    {
        get;
        set
        {
            field = value;
            Skip = Reason(Devices, value);
        }
    }

    private static string? Reason(int devices, bool emulatedOnly)
    {
        if (CudaBackend.Probe() is { } reason)
        {
            return "no CUDA device: " + reason;
        }

        var (count, emulated) = CudaBackend.Devices();
        if (count < devices)
        {
            return $"needs {devices} CUDA devices, the driver reports {count} (scripts/cuda-emulator.sh --emulators {devices} gives the emulated device that many)";
        }

        return emulatedOnly && !emulated ? "a fact about the emulated CUDA device; this driver is NVIDIA's" : null;
    }
}
