using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Interop;

/// <summary>
/// Loads a native library by trying sonames in order: first through the dynamic loader (LD_LIBRARY_PATH, ldconfig
/// cache), then in the folders of <see cref="SearchFolders"/>: <c>$LLADAV_CUDA_LIBRARY_PATH</c>, the <c>lib64</c>
/// folders of <c>$CUDA_HOME</c>, <c>$CUDA_PATH</c> and <c>/usr/local/cuda</c> (NVIDIA's runfile installs cuBLAS and
/// NVRTC there without registering them with ldconfig), and the <c>nvidia/*/lib</c> folders of Python environments,
/// where PyTorch's pip wheels (<c>nvidia-cublas</c>, <c>nvidia-cuda-nvrtc</c>) put them on a machine that has no
/// CUDA toolkit at all.
/// </summary>
internal static class NativeLibraryProbe
{
    /// <summary>Colon-separated folders searched before every other place (an explicit override).</summary>
    public const string SearchPathVariable = "LLADAV_CUDA_LIBRARY_PATH";

    /// <summary>Where the error text says the libraries were looked for.</summary>
    public const string SearchedPlaces =
        "$" + SearchPathVariable + ", $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64, and the nvidia/*/lib folders of " +
        "Python environments ($VIRTUAL_ENV, $CONDA_PREFIX, /usr/local/lib/python3*/dist-packages and site-packages, ~/.local/lib/python3*/site-packages) where PyTorch's pip nvidia-* wheels install them";

    public static bool TryLoad(IReadOnlyList<string> sonames, out nint handle, out string loaded)
    {
        foreach (var name in Candidates(sonames, SearchFolders(), ExplicitFolders()))
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
            $"{what} could not be loaded (tried {string.Join(", ", sonames)} through the dynamic loader, then under {SearchedPlaces}). {provider}");
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

    /// <summary>
    /// The files of the libraries named (e.g. <c>libcuda</c>, <c>libcublas</c>) that this process has mapped, read from
    /// <c>/proc/self/maps</c>: which copy the loader really picked, for the selftest's report. Empty off Linux.
    /// </summary>
    public static IReadOnlyList<string> MappedFiles(IReadOnlyList<string> prefixes)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return [];
        }

        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..];
            var file = Path.GetFileName(path);
            if (prefixes.Any(p => file.StartsWith(p + ".so", StringComparison.Ordinal) || file.StartsWith(p + "-", StringComparison.Ordinal) || file.StartsWith(p + "Lt", StringComparison.Ordinal)))
            {
                found.Add(path);
            }
        }

        return [.. found];
    }

    /// <summary>
    /// The mapped file holding <paramref name="address"/> (an export of a loaded library), read from
    /// <c>/proc/self/maps</c> ("start-end perms offset dev inode path" lines); null off Linux or when not found.
    /// </summary>
    public static string? FileOf(nint address)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        var a = (ulong)address;
        foreach (var line in File.ReadLines(maps))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (dash < 0 || space < dash || slash < 0
                || !ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var end))
            {
                continue;
            }

            if (a >= start && a < end)
            {
                return line[slash..];
            }
        }

        return null;
    }

    /// <summary>The folders searched after the dynamic loader, in order, existing ones only.</summary>
    public static IReadOnlyList<string> SearchFolders() => SearchFolders(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><see cref="SearchFolders()"/> with the environment and home folder given (a test seam).</summary>
    public static IReadOnlyList<string> SearchFolders(Func<string, string?> environment, string? home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var folders = new List<string>();
        foreach (var part in (environment(SearchPathVariable) ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            folders.Add(part);
        }

        foreach (var root in new[] { environment("CUDA_HOME"), environment("CUDA_PATH"), "/usr/local/cuda" })
        {
            if (!string.IsNullOrEmpty(root))
            {
                folders.Add(Path.Combine(root, "lib64"));
            }
        }

        // pip wheels: <env>/lib/python3.X/site-packages/nvidia/<component>/lib (CUDA 12 wheels: nvidia/cublas/lib,
        // nvidia/cuda_nvrtc/lib; CUDA 13 wheels: nvidia/cu13/lib).
        var pythonRoots = new List<string>();
        foreach (var prefix in new[] { environment("VIRTUAL_ENV"), environment("CONDA_PREFIX"), "/usr/local", "/usr", "/opt/conda", home is null ? null : Path.Combine(home, ".local") })
        {
            if (!string.IsNullOrEmpty(prefix))
            {
                pythonRoots.Add(Path.Combine(prefix, "lib"));
            }
        }

        foreach (var lib in pythonRoots.Where(Directory.Exists))
        {
            foreach (var python in SafeDirectories(lib, "python3*"))
            {
                foreach (var packages in new[] { "site-packages", "dist-packages" })
                {
                    var nvidia = Path.Combine(python, packages, "nvidia");
                    foreach (var component in SafeDirectories(nvidia, "*"))
                    {
                        folders.Add(Path.Combine(component, "lib"));
                    }
                }
            }
        }

        return [.. folders.Where(Directory.Exists).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The existing folders of <c>$LLADAV_CUDA_LIBRARY_PATH</c>, in order.</summary>
    public static IReadOnlyList<string> ExplicitFolders() =>
        [.. (Environment.GetEnvironmentVariable(SearchPathVariable) ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists)];

    /// <summary>
    /// The files to try, in order: the sonames in <paramref name="explicitFolders"/> (<c>$LLADAV_CUDA_LIBRARY_PATH</c>,
    /// an override, so it must win over a library the loader would find, e.g. Debian's libnvrtc11.2 under ldconfig),
    /// then the bare sonames through the dynamic loader, then the sonames in the other <paramref name="folders"/>.
    /// </summary>
    internal static IEnumerable<string> Candidates(IReadOnlyList<string> sonames, IReadOnlyList<string> folders, IReadOnlyList<string>? explicitFolders = null)
    {
        explicitFolders ??= [];
        foreach (var folder in explicitFolders)
        {
            foreach (var name in sonames)
            {
                var path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    yield return path;
                }
            }
        }

        foreach (var name in sonames)
        {
            yield return name;
        }

        foreach (var folder in folders.Except(explicitFolders, StringComparer.Ordinal))
        {
            foreach (var name in sonames)
            {
                var path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    yield return path;
                }
            }
        }
    }

    private static IEnumerable<string> SafeDirectories(string folder, string pattern)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        try
        {
            return Directory.GetDirectories(folder, pattern).Order(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
