using System.Diagnostics;
using System.Runtime.InteropServices;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Cli.Doctor;

/// <summary>Checks one dependency; an interface so tests can describe a machine without changing this one.</summary>
internal interface IDependencyProbe
{
    ProbeResult Probe(SystemDependency dependency);
}

/// <summary>
/// The real machine: libraries are loaded the way the bindings load them (so an ldconfig or LD_LIBRARY_PATH problem
/// shows here as it would in a run) and the file the loader picked is read back from /proc/self/maps; programs are
/// looked up on PATH and asked for their version.
/// </summary>
internal sealed class SystemProbe : IDependencyProbe
{
    /// <summary>A version query that hangs must not hang doctor; this is a cap, not a measurement.</summary>
    private static readonly TimeSpan s_versionTimeout = TimeSpan.FromSeconds(10);

    public ProbeResult Probe(SystemDependency dependency)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        return dependency.Kind == DependencyKind.Library ? ProbeLibrary(dependency) : ProbeProgram(dependency);
    }

    private static ProbeResult ProbeLibrary(SystemDependency dependency)
    {
        string? loaded = null;
        var emulated = false;
        if (dependency.CudaSearch)
        {
            if (NativeLibraries.TryLoadCuda(dependency.Candidates, out var name, out emulated))
            {
                loaded = name;
            }
        }
        else
        {
            loaded = dependency.Candidates.FirstOrDefault(name => NativeLibrary.TryLoad(name, out _));
        }

        return loaded is null ? ProbeResult.Missing : new ProbeResult(true, MappedPath(loaded) ?? loaded, Emulated: emulated);
    }

    /// <summary>The file mapped for <paramref name="soname"/>: the real file behind symlinks and alternatives.</summary>
    internal static string? MappedPath(string soname)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        var file = Path.GetFileName(soname);
        var cut = file.IndexOf(".so", StringComparison.Ordinal);
        var stem = cut > 0 ? file[..cut] : file;
        string? byStem = null;
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..];
            var name = Path.GetFileName(path);
            if (name == file || name.StartsWith(file + ".", StringComparison.Ordinal))
            {
                return path;
            }

            // libopenblas.so.0 resolves to e.g. libopenblasp-r0.3.21.so: only the stem matches then.
            byStem ??= name.StartsWith(stem, StringComparison.Ordinal) ? path : null;
        }

        return byStem;
    }

    private static ProbeResult ProbeProgram(SystemDependency dependency)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => dependency.Candidates.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return ProbeResult.Missing;
        }

        return new ProbeResult(true, path, dependency.VersionArgument is { } argument ? VersionLine(path, argument) : null);
    }

    private static string? VersionLine(string path, string argument)
    {
        try
        {
            var info = new ProcessStartInfo(path, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_versionTimeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            var text = stdout.GetAwaiter().GetResult();
            text = text.Length > 0 ? text : stderr.GetAwaiter().GetResult();
            var first = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

            // ffmpeg's first line goes on with its copyright; the version is what doctor is asked for.
            var copyright = first?.IndexOf(" Copyright", StringComparison.Ordinal) ?? -1;
            return copyright > 0 ? first![..copyright] : first;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // Found but not runnable (no execute bit, wrong architecture): still reported as found, without a version.
            return null;
        }
    }
}
