using System.Diagnostics;
using System.Text;

namespace LLaDAV.Eval.Media.Processes;

/// <summary>
/// A command-line tool found on PATH (or at an explicit path), run without a shell. Its absence is reported as a
/// <see cref="MediaException"/> naming the Debian package, never as a Win32Exception from Process.Start.
/// </summary>
public sealed class ExternalTool
{
    private readonly Lazy<string?> _resolved;

    public ExternalTool(string name, string debianPackage, string? explicitPath = null)
    {
        Name = name;
        DebianPackage = debianPackage;
        _resolved = new Lazy<string?>(() => explicitPath is not null ? (File.Exists(explicitPath) ? explicitPath : null) : FindOnPath(name));
    }

    public static ExternalTool Ffmpeg { get; } = new("ffmpeg", "ffmpeg");

    public static ExternalTool Ffprobe { get; } = new("ffprobe", "ffmpeg");

    public string Name { get; }

    public string DebianPackage { get; }

    public bool IsAvailable => _resolved.Value is not null;

    /// <summary>Runs to completion, feeding <paramref name="stdin"/> and collecting stdout; a non-zero exit throws.</summary>
    public byte[] Run(IReadOnlyList<string> arguments, ReadOnlyMemory<byte>? stdin = null, string? mediaPath = null)
    {
        using var process = Start(arguments, stdin is not null, mediaPath);
        var stderr = process.StandardError.ReadToEndAsync();
        var feeder = stdin is { } input ? FeedAsync(process, input) : Task.CompletedTask;
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        ObserveFeeder(feeder);
        if (process.ExitCode != 0)
        {
            throw Failure(process.ExitCode, stderr.GetAwaiter().GetResult(), mediaPath);
        }

        return stdout.ToArray();
    }

    /// <summary>Starts the tool with stdout (and stdin when asked) redirected, for streaming readers.</summary>
    public Process Start(IReadOnlyList<string> arguments, bool redirectStdin, string? mediaPath)
    {
        var path = _resolved.Value ?? throw new MediaException(
            $"The '{Name}' program is not installed or not on PATH; install the Debian package {DebianPackage} (apt-get install {DebianPackage}).")
        {
            MissingPackage = DebianPackage,
            MediaPath = mediaPath,
        };

        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new MediaException($"Could not start '{path}'.") { MediaPath = mediaPath };
    }

    public MediaException Failure(int exitCode, string stderr, string? mediaPath)
    {
        var detail = stderr.Trim();
        if (detail.Length > 600)
        {
            detail = string.Concat("…", detail.AsSpan(detail.Length - 600));
        }

        var subject = mediaPath is null ? "the media data" : $"'{mediaPath}'";
        return new MediaException($"{Name} could not read {subject} (exit code {exitCode}): {detail}") { MediaPath = mediaPath };
    }

    private static async Task FeedAsync(Process process, ReadOnlyMemory<byte> input)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input).ConfigureAwait(false);
        }
        finally
        {
            process.StandardInput.Close();
        }
    }

    private static void ObserveFeeder(Task feeder)
    {
        try
        {
            feeder.GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // The tool may stop reading early (e.g. after the first frame); its exit code tells whether that mattered.
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
