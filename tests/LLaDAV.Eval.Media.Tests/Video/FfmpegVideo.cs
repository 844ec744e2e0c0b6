using System.Diagnostics;

namespace LLaDAV.Eval.Media.Tests.Video;

/// <summary>Makes a test video with the ffmpeg command line, from a lavfi source the caller describes.</summary>
internal static class FfmpegVideo
{
    /// <summary>
    /// Runs <c>ffmpeg -v error -nostdin -y -f lavfi -i &lt;source&gt; -frames:v &lt;frames&gt; &lt;output options&gt; &lt;path&gt;</c>
    /// and fails the test with ffmpeg's own message when it does not exit 0.
    /// </summary>
    public static string Generate(string path, string source, int frames, IEnumerable<string> outputOptions)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "-v", "error", "-nostdin", "-y", "-f", "lavfi",
            "-i", source,
            "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Concat(outputOptions).Append(path))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg could not generate {Path.GetFileName(path)}: {error}");
        return path;
    }
}
