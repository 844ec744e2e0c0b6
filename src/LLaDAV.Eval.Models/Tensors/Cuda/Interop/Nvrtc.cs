using System.Runtime.InteropServices;
using System.Text;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Interop;

/// <summary>
/// NVRTC, the CUDA runtime compiler (https://docs.nvidia.com/cuda/nvrtc/), bound through function pointers resolved
/// with <see cref="NativeLibrary.GetExport"/>. Loaded lazily on first use; the kernels are compiled to PTX for a
/// virtual architecture (<c>--gpu-architecture=compute_XY</c>) and the driver JIT-compiles the PTX for the device.
/// </summary>
internal sealed unsafe class Nvrtc
{
    /// <summary>Newest first; Debian's non-free <c>libnvrtc11.2</c> package ships NVRTC 11.8 under the 11.2 soname.</summary>
    public static readonly string[] Sonames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"];

    private const string Provider =
        "NVRTC comes with the CUDA toolkit (set LD_LIBRARY_PATH or CUDA_HOME to its lib64 folder) or with PyTorch's pip wheels (nvidia-cuda-nvrtc-cu12, or nvidia/cu13/lib for CUDA 13: found automatically in the usual Python environments, or name the folder in $LLADAV_CUDA_LIBRARY_PATH); on Debian: apt-get install libnvrtc11.2 from the non-free component.";

    /// <summary>Exported only by the emulated NVRTC of tests/cuda-emulator (it compiles kernels with g++, not for a GPU).</summary>
    public const string EmulatorMarker = "lladavEmulatedNvrtc";

    private static readonly Lazy<Nvrtc> s_instance = new(() => new Nvrtc(NativeLibraryProbe.Load("NVRTC (libnvrtc)", Sonames, Provider)));

    private static readonly Lazy<(Nvrtc? Nvrtc, string? Reason)> s_toolkit = new(OpenToolkit);

    private readonly delegate* unmanaged<int*, int*, int> _version;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> _createProgram;
    private readonly delegate* unmanaged<nint, int, byte**, int> _compileProgram;
    private readonly delegate* unmanaged<nint*, int> _destroyProgram;
    private readonly delegate* unmanaged<nint, nuint*, int> _getPtxSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getPtx;
    private readonly delegate* unmanaged<nint, nuint*, int> _getLogSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getLog;
    private readonly delegate* unmanaged<int, byte*> _getErrorString;
    private readonly delegate* unmanaged<int*, int> _getNumSupportedArchs;
    private readonly delegate* unmanaged<int*, int> _getSupportedArchs;
    private readonly delegate* unmanaged<nint, nuint*, int> _getCubinSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getCubin;

    private Nvrtc(nint library)
    {
        const string name = "libnvrtc";
        _version = (delegate* unmanaged<int*, int*, int>)NativeLibraryProbe.Export(library, name, "nvrtcVersion");
        _createProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)NativeLibraryProbe.Export(library, name, "nvrtcCreateProgram");
        _compileProgram = (delegate* unmanaged<nint, int, byte**, int>)NativeLibraryProbe.Export(library, name, "nvrtcCompileProgram");
        _destroyProgram = (delegate* unmanaged<nint*, int>)NativeLibraryProbe.Export(library, name, "nvrtcDestroyProgram");
        _getPtxSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetPTXSize");
        _getPtx = (delegate* unmanaged<nint, byte*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetPTX");
        _getLogSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetProgramLogSize");
        _getLog = (delegate* unmanaged<nint, byte*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetProgramLog");
        _getErrorString = (delegate* unmanaged<int, byte*>)NativeLibraryProbe.Export(library, name, "nvrtcGetErrorString");
        _getNumSupportedArchs = (delegate* unmanaged<int*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetNumSupportedArchs");
        _getSupportedArchs = (delegate* unmanaged<int*, int>)NativeLibraryProbe.Export(library, name, "nvrtcGetSupportedArchs");
        // nvrtcGetCUBIN exists since NVRTC 11.1; only the toolchain report needs it, so an older NVRTC still loads.
        _getCubinSize = NativeLibrary.TryGetExport(library, "nvrtcGetCUBINSize", out var cubinSize) ? (delegate* unmanaged<nint, nuint*, int>)cubinSize : null;
        _getCubin = NativeLibrary.TryGetExport(library, "nvrtcGetCUBIN", out var cubin) ? (delegate* unmanaged<nint, byte*, int>)cubin : null;
        IsEmulated = NativeLibrary.TryGetExport(library, EmulatorMarker, out _);
        File = NativeLibraryProbe.FileOf((nint)_version) ?? string.Empty;
        int major, minor;
        Check(_version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The process-wide binding; throws <see cref="CudaUnavailableException"/> when no libnvrtc loads.</summary>
    public static Nvrtc Instance => s_instance.Value;

    public Version Version { get; }

    /// <summary>True for the emulated NVRTC of tests/cuda-emulator, which builds host code, not PTX or SASS.</summary>
    public bool IsEmulated { get; }

    /// <summary>The library file this binding was loaded from (read from /proc/self/maps; empty where unknown).</summary>
    public string File { get; }

    /// <summary>
    /// NVIDIA's NVRTC, never the emulated one, even when <c>$LLADAV_CUDA_LIBRARY_PATH</c> puts the emulated device first
    /// (CI): the dynamic loader's copy (Debian's libnvrtc11.2), then the toolkit and pip folders. Null with the reason
    /// when there is none. The toolchain checks (<see cref="KernelCompileCheck"/>, <see cref="KernelResourceReport"/>) use
    /// this: a g++ build of the kernels proves nothing about what NVIDIA's compiler accepts.
    /// </summary>
    public static Nvrtc? Toolkit(out string? reason)
    {
        (var nvrtc, reason) = s_toolkit.Value;
        return nvrtc;
    }

    private static (Nvrtc? Nvrtc, string? Reason) OpenToolkit()
    {
        var emulated = new List<string>();
        foreach (var name in NativeLibraryProbe.Candidates(Sonames, NativeLibraryProbe.SearchFolders().Except(NativeLibraryProbe.ExplicitFolders(), StringComparer.Ordinal).ToList()))
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            // dlopen of a bare soname returns a library already loaded under that soname, which may be the emulated one
            if (NativeLibrary.TryGetExport(handle, EmulatorMarker, out _))
            {
                emulated.Add(name);
                continue;
            }

            try
            {
                return (new Nvrtc(handle), null);
            }
            catch (CudaUnavailableException e)
            {
                return (null, e.Message);
            }
        }

        return (null, $"no NVIDIA NVRTC found (tried {string.Join(", ", Sonames)} through the dynamic loader, then under {NativeLibraryProbe.SearchedPlaces}{(emulated.Count > 0 ? "; only the emulated device's: " + string.Join(", ", emulated) : string.Empty)}). {Provider}");
    }

    /// <summary>Real architectures (SM numbers such as 70, 80, 90) this NVRTC can target.</summary>
    public IReadOnlyList<int> SupportedArchitectures()
    {
        int count;
        Check(_getNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs)
        {
            Check(_getSupportedArchs(p), "nvrtcGetSupportedArchs");
        }

        return archs;
    }

    /// <summary>
    /// Compiles one CUDA C translation unit to PTX for <c>compute_{arch}</c>. Returns the PTX and the compiler log
    /// (warnings); a failed compile throws <see cref="CudaException"/> carrying the log.
    /// </summary>
    public (string Ptx, string Log) CompileToPtx(string source, string name, int arch)
    {
        var (ptx, log) = Compile(source, name, $"compute_{arch}", [$"--gpu-architecture=compute_{arch}", "--std=c++14", "--fmad=true"], _getPtxSize, _getPtx, "nvrtcGetPTX");
        return (Encoding.ASCII.GetString(ptx, 0, Math.Max(0, ptx.Length - 1)), log);
    }

    /// <summary>
    /// Compiles one translation unit straight to SASS for the real architecture <c>sm_{arch}</c> (NVRTC runs ptxas
    /// itself; <c>nvrtcGetCUBIN</c>, NVRTC 11.1+), with <c>--ptxas-options=-v</c> so the log carries ptxas's
    /// "Used N registers, ... spill stores" lines per kernel. Options otherwise as <see cref="CompileToPtx"/>.
    /// </summary>
    public (byte[] Cubin, string Log) CompileToCubin(string source, string name, int arch)
    {
        if (_getCubinSize is null || _getCubin is null)
        {
            throw new CudaUnavailableException("libnvrtc", $"NVRTC {Version} has no nvrtcGetCUBIN (added in CUDA 11.1); SASS needs a newer NVRTC.");
        }

        return Compile(source, name, $"sm_{arch}", [$"--gpu-architecture=sm_{arch}", "--std=c++14", "--fmad=true", "--ptxas-options=-v"], _getCubinSize, _getCubin, "nvrtcGetCUBIN");
    }

    private (byte[] Output, string Log) Compile(
        string source,
        string name,
        string target,
        string[] options,
        delegate* unmanaged<nint, nuint*, int> getSize,
        delegate* unmanaged<nint, byte*, int> get,
        string getName)
    {
        nint program;
        var sourceBytes = Zero(source);
        var nameBytes = Zero(name);
        fixed (byte* src = sourceBytes, n = nameBytes)
        {
            Check(_createProgram(&program, src, n, 0, null, null), "nvrtcCreateProgram");
        }

        try
        {
            var optionBytes = options.Select(Zero).ToArray();
            var handles = optionBytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
            int status;
            try
            {
                var pointers = stackalloc byte*[options.Length];
                for (var i = 0; i < options.Length; i++)
                {
                    pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                }

                status = _compileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var h in handles)
                {
                    h.Free();
                }
            }

            var log = ReadLog(program);
            if (status != 0)
            {
                throw new CudaException($"NVRTC {Version} could not compile {name} for {target}: {ErrorString(status)}\n{log}");
            }

            nuint size;
            Check(getSize(program, &size), getName + "Size");
            var output = new byte[(int)size];
            fixed (byte* p = output)
            {
                Check(get(program, p), getName);
            }

            return (output, log);
        }
        finally
        {
            _ = _destroyProgram(&program);
        }
    }

    private string ReadLog(nint program)
    {
        nuint size;
        Check(_getLogSize(program, &size), "nvrtcGetProgramLogSize");
        if (size <= 1)
        {
            return string.Empty;
        }

        var log = new byte[(int)size];
        fixed (byte* p = log)
        {
            Check(_getLog(program, p), "nvrtcGetProgramLog");
        }

        return Encoding.UTF8.GetString(log, 0, log.Length - 1).Trim();
    }

    private string ErrorString(int status) => Marshal.PtrToStringAnsi((nint)_getErrorString(status)) ?? $"NVRTC error {status}";

    private void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new CudaException($"{call} failed: {ErrorString(status)} ({status}).");
        }
    }

    private static byte[] Zero(string s) => Encoding.UTF8.GetBytes(s + "\0");
}
