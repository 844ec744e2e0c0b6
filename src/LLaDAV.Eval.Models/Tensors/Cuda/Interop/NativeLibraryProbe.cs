using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Interop;

/// <summary>
/// Loads a native library by trying sonames in order: first through the dynamic loader (LD_LIBRARY_PATH, ldconfig
/// cache), then in the <c>lib64</c> folders of <c>$CUDA_HOME</c>, <c>$CUDA_PATH</c> and <c>/usr/local/cuda</c>, where a
/// CUDA toolkit installed from NVIDIA's runfile puts cuBLAS and NVRTC without registering them with ldconfig.
/// </summary>
internal static class NativeLibraryProbe
{
    public static bool TryLoad(IReadOnlyList<string> sonames, out nint handle, out string loaded)
    {
        foreach (var name in Candidates(sonames))
        {
            if (NativeLibrary.TryLoad(name, out handle))
            {
                loaded = name;
                return true;
            }
        }

        handle = 0;
        loaded = string.Empty;
        return false;
    }

    /// <summary>Loads the first soname that resolves, or throws <see cref="CudaUnavailableException"/> naming what provides it.</summary>
    public static nint Load(string what, IReadOnlyList<string> sonames, string provider)
    {
        if (TryLoad(sonames, out var handle, out _))
        {
            return handle;
        }

        throw new CudaUnavailableException(
            sonames[0],
            $"{what} could not be loaded (tried {string.Join(", ", sonames)}; also under $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64). {provider}");
    }

    /// <summary>Resolves an exported symbol into a function pointer, or throws naming the library and the symbol.</summary>
    public static nint Export(nint library, string libraryName, string symbol)
    {
        if (NativeLibrary.TryGetExport(library, symbol, out var address))
        {
            return address;
        }

        throw new CudaUnavailableException(libraryName, $"{libraryName} does not export {symbol}; the installed version is too old for this build.");
    }

    private static IEnumerable<string> Candidates(IReadOnlyList<string> sonames)
    {
        foreach (var name in sonames)
        {
            yield return name;
        }

        foreach (var root in new[] { Environment.GetEnvironmentVariable("CUDA_HOME"), Environment.GetEnvironmentVariable("CUDA_PATH"), "/usr/local/cuda" })
        {
            if (string.IsNullOrEmpty(root))
            {
                continue;
            }

            foreach (var name in sonames)
            {
                var path = Path.Combine(root, "lib64", name);
                if (File.Exists(path))
                {
                    yield return path;
                }
            }
        }
    }
}
