using System.Diagnostics;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// SVG → PNG through <c>rsvg-convert</c> (librsvg; Debian package <c>librsvg2-bin</c>), found on PATH. No plotting
/// or rasterising library is bundled, so PNG is optional and asking for it without the tool is a clear error.
/// </summary>
public sealed class PngConverter
{
    public const string Tool = "rsvg-convert";
    public const string InstallHint = "install the Debian package librsvg2-bin (apt-get install -y librsvg2-bin)";

    private PngConverter(string path)
    {
        ToolPath = path;
    }

    public string ToolPath { get; }

    /// <summary>The converter, or null when rsvg-convert is not on <paramref name="searchPath"/> (default: PATH).</summary>
    public static PngConverter? TryFind(string? searchPath = null)
    {
        var path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, Tool);
            if (File.Exists(candidate))
            {
                return new PngConverter(candidate);
            }
        }

        return null;
    }

    /// <summary>The converter, or a usage error naming the package to install.</summary>
    public static PngConverter Require(string? searchPath = null) =>
        TryFind(searchPath) ?? throw new ConfigException($"PNG output needs {Tool}, which is not on PATH: {InstallHint}. Or drop --png to write SVG only.");

    /// <summary>Renders <paramref name="svgFile"/> to a PNG beside it (same name, .png) at twice the SVG's pixel size, and returns its path.</summary>
    public string Convert(string svgFile)
    {
        ArgumentNullException.ThrowIfNull(svgFile);
        var png = Path.ChangeExtension(svgFile, ".png");
        var start = new ProcessStartInfo(ToolPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--zoom", "2", "--format", "png", "--output", png, svgFile })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new DataException($"Could not start {ToolPath}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? png : throw new DataException($"{Tool} failed on {svgFile} (exit {process.ExitCode}): {error.Trim()}");
    }
}
