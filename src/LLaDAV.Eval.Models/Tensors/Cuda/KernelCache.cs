using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// PTX of the project's kernels per (module, architecture): compiled by NVRTC once, then kept in memory and on disk
/// under <c>$XDG_CACHE_HOME/lladav-eval/cuda/&lt;sha256&gt;-compute_XY.ptx</c> (default <c>~/.cache</c>). The hash covers
/// the full source, the architecture and the NVRTC version, so an edited kernel or another compiler never reuses a
/// stale file. The disk cache only saves start-up time: an unwritable folder just means compiling every run.
/// </summary>
internal static class KernelCache
{
    private static readonly ConcurrentDictionary<(string Module, int Arch), string> s_memory = new();

    /// <summary>The folder PTX files are cached in.</summary>
    public static string Folder
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(root, "lladav-eval", "cuda");
        }
    }

    /// <summary>
    /// The newest virtual architecture NVRTC supports that does not exceed the device's compute capability: the
    /// driver JIT-compiles compute_XY PTX for any device of capability XY or later.
    /// </summary>
    public static int TargetArchitecture(Nvrtc nvrtc, int deviceArch)
    {
        var supported = nvrtc.SupportedArchitectures().Where(a => a <= deviceArch).ToList();
        if (supported.Count == 0)
        {
            throw new CudaUnavailableException("libnvrtc", $"NVRTC {nvrtc.Version} supports none of the architectures up to sm_{deviceArch}; the device is too old for this NVRTC.");
        }

        return supported.Max();
    }

    /// <summary>
    /// The NVRTC file the backend compiles with (size and modification time): two builds that report the same version
    /// (two builds of the emulated device, a patched toolkit) never share cached modules. The file of the binding
    /// itself, not the first libnvrtc mapped: a test process can hold both the emulated NVRTC and NVIDIA's
    /// (<see cref="Nvrtc.Toolkit"/>).
    /// </summary>
    private static string Compiler(Nvrtc nvrtc) =>
        nvrtc.File.Length > 0 && new FileInfo(nvrtc.File) is { Exists: true } info ? $"{nvrtc.File}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "";

    public static string GetPtx(KernelSource module, int arch)
    {
        return s_memory.GetOrAdd((module.Name, arch), key => Load(module, key.Arch));
    }

    private static string Load(KernelSource module, int arch)
    {
        var nvrtc = Nvrtc.Instance;
        var source = module.FullSource;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{nvrtc.Version}\n{Compiler(nvrtc)}\n{arch}\n{source}")));
        var path = Path.Combine(Folder, $"{module.Name}-{hash}-compute_{arch}.ptx");
        if (File.Exists(path))
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (IOException)
            {
                // Unreadable cache entry: fall through and compile.
            }
        }

        var (ptx, _) = nvrtc.CompileToPtx(source, module.Name + ".cu", arch);
        try
        {
            Directory.CreateDirectory(Folder);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, ptx);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimisation; compiling again next run is correct.
        }

        return ptx;
    }
}
