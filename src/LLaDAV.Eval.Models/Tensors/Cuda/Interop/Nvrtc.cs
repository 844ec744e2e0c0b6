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

    private static readonly Lazy<Nvrtc> s_instance = new(() => new Nvrtc(NativeLibraryProbe.Load("NVRTC (libnvrtc)", Sonames, Provider)));

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
        int major, minor;
        Check(_version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The process-wide binding; throws <see cref="CudaUnavailableException"/> when no libnvrtc loads.</summary>
    public static Nvrtc Instance => s_instance.Value;

    public Version Version { get; }

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
        nint program;
        var sourceBytes = Zero(source);
        var nameBytes = Zero(name);
        fixed (byte* src = sourceBytes, n = nameBytes)
        {
            Check(_createProgram(&program, src, n, 0, null, null), "nvrtcCreateProgram");
        }

        try
        {
            string[] options = [$"--gpu-architecture=compute_{arch}", "--std=c++14", "--fmad=true"];
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
                throw new CudaException($"NVRTC {Version} could not compile {name} for compute_{arch}: {ErrorString(status)}\n{log}");
            }

            nuint size;
            Check(_getPtxSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx)
            {
                Check(_getPtx(program, p), "nvrtcGetPTX");
            }

            return (Encoding.ASCII.GetString(ptx, 0, Math.Max(0, ptx.Length - 1)), log);
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
