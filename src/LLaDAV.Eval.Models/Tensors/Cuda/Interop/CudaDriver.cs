using System.Runtime.InteropServices;
using System.Text;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Interop;

/// <summary>
/// The subset of the CUDA driver API (https://docs.nvidia.com/cuda/cuda-driver-api/) the backend uses, bound through
/// function pointers from <c>libcuda.so.1</c>, which only the NVIDIA driver installs. Versioned symbols (<c>_v2</c>)
/// are the ones cuda.h maps the plain names to since CUDA 4.0/11 (64-bit sizes, per-context release semantics).
/// Every call returns a <c>CUresult</c>; <see cref="Check"/> turns a failure into <see cref="CudaException"/> with
/// cuGetErrorName/cuGetErrorString text.
/// </summary>
internal sealed unsafe class CudaDriver
{
    public static readonly string[] Sonames = ["libcuda.so.1", "libcuda.so"];

    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR.</summary>
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;

    /// <summary>CU_EVENT_DEFAULT (timing enabled).</summary>
    public const uint EventDefault = 0;

    /// <summary>CU_STREAM_NON_BLOCKING: no implicit synchronisation with the legacy default stream.</summary>
    public const uint StreamNonBlocking = 1;

    private const string Provider =
        "libcuda.so.1 is installed by the NVIDIA driver (Debian: apt-get install libcuda1 from non-free; NVIDIA's .run/.deb driver packages), not by the CUDA toolkit; inside a container run it with the NVIDIA container toolkit (--gpus all).";

    private static readonly Lazy<CudaDriver> s_instance = new(() => new CudaDriver(NativeLibraryProbe.Load("The CUDA driver library (libcuda)", Sonames, Provider)));

    public readonly delegate* unmanaged<uint, int> Init;
    public readonly delegate* unmanaged<int*, int> DriverGetVersion;
    public readonly delegate* unmanaged<int*, int> DeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> DeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> DeviceGetName;
    public readonly delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
    public readonly delegate* unmanaged<nuint*, int, int> DeviceTotalMem;
    public readonly delegate* unmanaged<nint*, int, int> DevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> DevicePrimaryCtxRelease;
    public readonly delegate* unmanaged<nint, int> CtxSetCurrent;
    public readonly delegate* unmanaged<nint*, uint, int> StreamCreate;
    public readonly delegate* unmanaged<nint, int> StreamDestroy;
    public readonly delegate* unmanaged<nint, int> StreamSynchronize;
    public readonly delegate* unmanaged<ulong*, nuint, int> MemAlloc;
    public readonly delegate* unmanaged<ulong, int> MemFree;
    public readonly delegate* unmanaged<ulong, void*, nuint, nint, int> MemcpyHtoDAsync;
    public readonly delegate* unmanaged<void*, ulong, nuint, nint, int> MemcpyDtoHAsync;
    public readonly delegate* unmanaged<ulong, ulong, nuint, nint, int> MemcpyDtoDAsync;
    public readonly delegate* unmanaged<ulong, byte, nuint, nint, int> MemsetD8Async;
    public readonly delegate* unmanaged<nint*, void*, int> ModuleLoadData;
    public readonly delegate* unmanaged<nint, int> ModuleUnload;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> ModuleGetFunction;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> LaunchKernel;
    public readonly delegate* unmanaged<nint*, uint, int> EventCreate;
    public readonly delegate* unmanaged<nint, nint, int> EventRecord;
    public readonly delegate* unmanaged<nint, int> EventSynchronize;
    public readonly delegate* unmanaged<float*, nint, nint, int> EventElapsedTime;
    public readonly delegate* unmanaged<nint, int> EventDestroy;
    private readonly delegate* unmanaged<int, byte**, int> _getErrorString;
    private readonly delegate* unmanaged<int, byte**, int> _getErrorName;

    private CudaDriver(nint lib)
    {
        const string n = "libcuda.so.1";
        nint E(string symbol) => NativeLibraryProbe.Export(lib, n, symbol);
        _getErrorString = (delegate* unmanaged<int, byte**, int>)E("cuGetErrorString");
        _getErrorName = (delegate* unmanaged<int, byte**, int>)E("cuGetErrorName");
        Init = (delegate* unmanaged<uint, int>)E("cuInit");
        DriverGetVersion = (delegate* unmanaged<int*, int>)E("cuDriverGetVersion");
        DeviceGetCount = (delegate* unmanaged<int*, int>)E("cuDeviceGetCount");
        DeviceGet = (delegate* unmanaged<int*, int, int>)E("cuDeviceGet");
        DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)E("cuDeviceGetName");
        DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)E("cuDeviceGetAttribute");
        DeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)E("cuDeviceTotalMem_v2");
        DevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)E("cuDevicePrimaryCtxRetain");
        DevicePrimaryCtxRelease = (delegate* unmanaged<int, int>)E("cuDevicePrimaryCtxRelease_v2");
        CtxSetCurrent = (delegate* unmanaged<nint, int>)E("cuCtxSetCurrent");
        StreamCreate = (delegate* unmanaged<nint*, uint, int>)E("cuStreamCreate");
        StreamDestroy = (delegate* unmanaged<nint, int>)E("cuStreamDestroy_v2");
        StreamSynchronize = (delegate* unmanaged<nint, int>)E("cuStreamSynchronize");
        MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)E("cuMemAlloc_v2");
        MemFree = (delegate* unmanaged<ulong, int>)E("cuMemFree_v2");
        MemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, nint, int>)E("cuMemcpyHtoDAsync_v2");
        MemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, nint, int>)E("cuMemcpyDtoHAsync_v2");
        MemcpyDtoDAsync = (delegate* unmanaged<ulong, ulong, nuint, nint, int>)E("cuMemcpyDtoDAsync_v2");
        MemsetD8Async = (delegate* unmanaged<ulong, byte, nuint, nint, int>)E("cuMemsetD8Async");
        ModuleLoadData = (delegate* unmanaged<nint*, void*, int>)E("cuModuleLoadData");
        ModuleUnload = (delegate* unmanaged<nint, int>)E("cuModuleUnload");
        ModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)E("cuModuleGetFunction");
        LaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)E("cuLaunchKernel");
        EventCreate = (delegate* unmanaged<nint*, uint, int>)E("cuEventCreate");
        EventRecord = (delegate* unmanaged<nint, nint, int>)E("cuEventRecord");
        EventSynchronize = (delegate* unmanaged<nint, int>)E("cuEventSynchronize");
        EventElapsedTime = (delegate* unmanaged<float*, nint, nint, int>)E("cuEventElapsedTime");
        EventDestroy = (delegate* unmanaged<nint, int>)E("cuEventDestroy_v2");
        IsEmulated = NativeLibrary.TryGetExport(lib, EmulatorMarker, out _);
        var init = Init(0);
        if (init != 0)
        {
            throw new CudaUnavailableException(
                n,
                $"cuInit failed: {Describe(init)}. The NVIDIA driver library loaded but no usable CUDA device was found (check nvidia-smi, CUDA_VISIBLE_DEVICES, and --gpus for containers).");
        }
    }

    /// <summary>
    /// Exported only by the emulated device of tests/cuda-emulator (scripts/cuda-emulator.sh), which runs the kernels on
    /// the CPU: its devices are labelled "emulated device" and its event times are never reported as GPU timings.
    /// </summary>
    public const string EmulatorMarker = "lladavEmulatedDevice";

    /// <summary>True when the loaded libcuda is the emulated device, not an NVIDIA driver.</summary>
    public bool IsEmulated { get; }

    /// <summary>The process-wide binding (cuInit done); throws <see cref="CudaUnavailableException"/> without a driver.</summary>
    public static CudaDriver Instance => s_instance.Value;

    public int Version
    {
        get
        {
            int v;
            Check(DriverGetVersion(&v), "cuDriverGetVersion");
            return v;
        }
    }

    public int DeviceCount
    {
        get
        {
            int count;
            Check(DeviceGetCount(&count), "cuDeviceGetCount");
            return count;
        }
    }

    public string DeviceName(int device)
    {
        var buffer = stackalloc byte[256];
        Check(DeviceGetName(buffer, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "?";
    }

    /// <summary>Compute capability as an SM number, e.g. 90 for 9.0.</summary>
    public int ComputeCapability(int device)
    {
        int major, minor;
        Check(DeviceGetAttribute(&major, AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute(major)");
        Check(DeviceGetAttribute(&minor, AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute(minor)");
        return (major * 10) + minor;
    }

    public long TotalMemory(int device)
    {
        nuint bytes;
        Check(DeviceTotalMem(&bytes, device), "cuDeviceTotalMem");
        return (long)bytes;
    }

    public void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new CudaException($"{call} failed: {Describe(result)}.");
        }
    }

    public string Describe(int result)
    {
        byte* name = null;
        byte* text = null;
        _ = _getErrorName(result, &name);
        _ = _getErrorString(result, &text);
        var n = name is null ? $"CUresult {result}" : Marshal.PtrToStringUTF8((nint)name);
        return text is null ? $"{n}" : $"{n} ({Marshal.PtrToStringUTF8((nint)text)})";
    }

    public static byte[] Utf8Z(string s) => Encoding.UTF8.GetBytes(s + "\0");
}
