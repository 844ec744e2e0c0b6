using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LLaDAV.Eval.Media;
using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>bench --video FILE [--frames N]</c>: our frame sample (<see cref="VideoReader.SampleUniform"/>: probe, packet
/// index, seeking decode) timed against the PyAV peer (<c>bench/pyav-peer/sample_frames.py</c>, decord's seek-and-decode
/// path in Python) on the same file and frames, and whether the frames are byte-identical. One run each, ours first.
/// Each clock starts with its libraries loaded, as a run's would be after its first video: the peer's after
/// <c>import av</c>, ours after libav is loaded into this process and our decoding code is compiled
/// (<see cref="VideoReader.PrepareInProcess"/>); neither side has decoded anything before its clock starts.
/// </summary>
internal static class VideoBench
{
    public static int Run(string video, int frames, string python, string peerScript, TextWriter output, TextWriter error)
    {
        if (!File.Exists(video))
        {
            error.WriteLine($"--video {video}: no such file.");
            return 2;
        }

        if (frames <= 0)
        {
            error.WriteLine($"--frames {frames} must be a positive number of frames.");
            return 2;
        }

        var reader = new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe);
        var unavailable = VideoReader.PrepareInProcess(); // loads libav and compiles our code, outside the clock
        List<VideoFrame> ours;
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        try
        {
            ours = [.. reader.SampleUniform(video, frames)];
        }
        catch (MediaException e)
        {
            error.WriteLine(e.Message);
            return 3;
        }

        var oursSeconds = clock.Elapsed.TotalSeconds;
        // CPU time is steadier than wall time on a shared machine; it counts this process only, so it is given for
        // the in-process path (the process path's work is in ffmpeg's processes).
        var oursCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var info = reader.Probe(video);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"video: {video} ({info.Width}x{info.Height}, {info.FrameCount} frames, {info.DurationSeconds:F1} s, {info.Codec}); {frames} frames at np.linspace(0, {info.FrameCount - 1}, {frames}, dtype=int)"));
        var path = reader.InProcessDecodes > 0
            ? "libav in this process, seeking"
            : $"ffmpeg processes, seeking{(reader.SeekFallbacks > 0 ? ", fell back to a full decode" : "")}{(unavailable is null ? "" : $"; in-process libav off: {unavailable}")}";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours ({path}): {oursSeconds:F3} s{(reader.InProcessDecodes > 0 ? $" (CPU {oursCpu:F3} s)" : "")}"));

        if (!File.Exists(peerScript))
        {
            error.WriteLine($"The PyAV peer script {peerScript} is missing (it ships in the checkout as bench/pyav-peer/sample_frames.py).");
            return 3;
        }

        var raw = Path.Combine(Path.GetTempPath(), "lladav-bench-pyav-" + Guid.NewGuid().ToString("N") + ".rgb");
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { peerScript, video, frames.ToString(CultureInfo.InvariantCulture), raw })
            {
                start.ArgumentList.Add(a);
            }

            string stdout, stderr;
            int exit;
            try
            {
                using var process = Process.Start(start)!;
                var err = process.StandardError.ReadToEndAsync();
                stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                stderr = err.GetAwaiter().GetResult();
                exit = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                error.WriteLine($"Cannot run '{python}': install Debian's python3-av (apt-get install python3-av python3-numpy) or pass --python.");
                return 3;
            }

            if (exit != 0)
            {
                error.WriteLine($"The PyAV peer failed (exit {exit}): {stderr.Trim()}{(stderr.Contains("No module named", StringComparison.Ordinal) ? " — install Debian's python3-av and python3-numpy (apt-get install python3-av python3-numpy), and run them with --python /usr/bin/python3." : "")}");
                return 3;
            }

            using var report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            var peerSeconds = report.RootElement.GetProperty("seconds").GetDouble();
            var peerCpu = report.RootElement.TryGetProperty("cpu_seconds", out var c) ? c.GetDouble() : (double?)null;
            var peerIndices = report.RootElement.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToList();
            var bytes = File.ReadAllBytes(raw);
            var frameBytes = info.Width * info.Height * 3;
            var same = peerIndices.SequenceEqual(ours.Select(f => f.Index)) && bytes.Length == frameBytes * ours.Count;
            var differing = new List<int>();
            var maxDiff = 0;
            for (var k = 0; same && k < ours.Count; k++)
            {
                var peer = bytes.AsSpan(k * frameBytes, frameBytes);
                if (!peer.SequenceEqual(ours[k].Image.Pixels))
                {
                    differing.Add(ours[k].Index);
                    for (var j = 0; j < frameBytes; j++)
                    {
                        maxDiff = Math.Max(maxDiff, Math.Abs(peer[j] - ours[k].Image.Pixels[j]));
                    }
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PyAV {report.RootElement.GetProperty("pyav").GetString()} (seek + decode, decord's path): {peerSeconds:F3} s{(peerCpu is { } pc ? $" (CPU {pc:F3} s)" : "")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours/PyAV: {oursSeconds / peerSeconds:F2}{(peerCpu is { } p && reader.InProcessDecodes > 0 && p > 0 ? $" (CPU {oursCpu / p:F2})" : "")}"));
            var verdict = new StringBuilder("frames: ");
            if (!peerIndices.SequenceEqual(ours.Select(f => f.Index)))
            {
                verdict.Append("DIFFERENT indices (ours ").Append(string.Join(',', ours.Select(f => f.Index))).Append("; PyAV ").Append(string.Join(',', peerIndices)).Append(')');
            }
            else if (bytes.Length != frameBytes * ours.Count)
            {
                verdict.Append(CultureInfo.InvariantCulture, $"DIFFERENT sizes (PyAV wrote {bytes.Length} bytes, ours {frameBytes * ours.Count})");
            }
            else if (differing.Count == 0)
            {
                verdict.Append(CultureInfo.InvariantCulture, $"identical ({ours.Count} frames, byte for byte)");
            }
            else
            {
                verdict.Append(CultureInfo.InvariantCulture, $"{differing.Count} of {ours.Count} differ (frames {string.Join(',', differing)}; largest channel difference {maxDiff})");
            }

            output.WriteLine(verdict.ToString());
            return 0;
        }
        finally
        {
            File.Delete(raw);
        }
    }
}
