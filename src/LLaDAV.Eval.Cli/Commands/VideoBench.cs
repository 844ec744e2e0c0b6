using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LLaDAV.Eval.Media;
using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>bench --video FILE [--frames N] [--rounds R] [--ffmpeg-processes]</c>: our frame sample
/// (<see cref="VideoReader.SampleUniform"/>: probe, packet index, seeking decode; in this process, or with
/// <c>--ffmpeg-processes</c> the ffmpeg-process path) timed against the PyAV peer (<c>bench/pyav-peer/sample_frames.py</c>,
/// decord's seek-and-decode path in Python) on the same file and frames: R rounds, ours first in odd rounds and the peer
/// first in even ones; medians, in how many rounds ours was no slower, the frames each side's decoder output (the work,
/// which follows where the wanted frames lie in their GOPs) and whether the frames are byte-identical in every round.
/// Each clock starts with its libraries loaded, as a run's would be after its first video: the peer's after
/// <c>import av</c>, ours after libav is loaded into this process and our decoding code is compiled
/// (<see cref="VideoReader.PrepareInProcess"/>); neither side has decoded anything before its clock starts.
/// </summary>
internal static class VideoBench
{
    /// <summary>One side's run: wall and CPU seconds, and the frames its decoder output (null when not counted).</summary>
    private sealed record Timing(double Seconds, double? Cpu, long? Decoded);

    public static int Run(string video, int frames, int rounds, bool inProcess, string python, string peerScript, TextWriter output, TextWriter error)
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

        if (rounds <= 0)
        {
            error.WriteLine($"--rounds {rounds} must be a positive number of rounds.");
            return 2;
        }

        if (!File.Exists(peerScript))
        {
            error.WriteLine($"The PyAV peer script {peerScript} is missing (it ships in the checkout as bench/pyav-peer/sample_frames.py).");
            return 3;
        }

        var unavailable = inProcess ? VideoReader.PrepareInProcess() : "--ffmpeg-processes asked for it"; // loads libav and compiles our code, outside the clock
        var ours = new List<Timing>(rounds);
        var peers = new List<Timing>(rounds);
        string? path = null, pyav = null, difference = null;
        VideoInfo? info = null;
        var compared = 0;
        for (var round = 1; round <= rounds; round++)
        {
            // Odd rounds run ours first, even rounds the peer first: whichever reads the file first may find less of it
            // in the page cache (a 60-minute 720p file is gigabytes), and alternating shares that cost out.
            var peerFirst = round % 2 == 0 ? RunPeer(python, peerScript, video, frames, error) : null;
            if (round % 2 == 0 && peerFirst is null)
            {
                return 3;
            }

            var reader = new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe) { InProcess = inProcess };
            List<VideoFrame> sample;
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            try
            {
                sample = [.. reader.SampleUniform(video, frames)];
            }
            catch (MediaException e)
            {
                error.WriteLine(e.Message);
                return 3;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            // CPU time is steadier than wall time on a shared machine; it counts this process only, so it is given for
            // the in-process path (the process path's work is in ffmpeg's processes, whose frames are not counted either).
            var inThisProcess = reader.InProcessDecodes > 0;
            ours.Add(new Timing(
                seconds,
                inThisProcess ? (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds : null,
                inThisProcess ? reader.InProcessFramesDecoded : null));
            if (info is null)
            {
                info = reader.Probe(video); // once, outside the clocks (each probe is an ffprobe process)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"video: {video} ({info.Width}x{info.Height}, {info.FrameCount} frames, {info.DurationSeconds:F1} s, {info.Codec}); {frames} frames at np.linspace(0, {info.FrameCount - 1}, {frames}, dtype=int)"));
                path = inThisProcess
                    ? "libav in this process, seeking"
                    : $"ffmpeg processes, seeking{(reader.SeekFallbacks > 0 ? ", fell back to a full decode" : "")}{(unavailable is null ? "" : $"; in-process libav off: {unavailable}")}";
            }

            if ((peerFirst ?? RunPeer(python, peerScript, video, frames, error)) is not { } peer)
            {
                return 3;
            }

            pyav = peer.Version;
            peers.Add(peer.Timing);
            var same = Compare(sample, peer.Indices, peer.Pixels, info.Width * info.Height * 3);
            difference ??= same is null ? null : rounds > 1 ? $"round {round}: {same}" : same; // the first round that differs
            compared = sample.Count;
            if (rounds > 1)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}{(round % 2 == 0 ? " (PyAV first)" : "")}: ours {Text(ours[^1])} · PyAV {Text(peer.Timing)}"));
            }
        }

        var (o, p) = (Median(ours), Median(peers));
        var of = rounds > 1 ? $", median of {rounds} rounds" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours ({path}): {Text(o)}{Work(o)}{of}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PyAV {pyav} (seek + decode, decord's path): {Text(p)}{Work(p)}{of}"));
        var wins = ours.Zip(peers).Count(x => x.First.Seconds <= x.Second.Seconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours/PyAV: {o.Seconds / p.Seconds:F2}{(o.Cpu is { } oc && p.Cpu is { } pc && pc > 0 ? $" (CPU {oc / pc:F2})" : "")}{(rounds > 1 ? $"; ours no slower in {wins} of {rounds} rounds" : "")}"));
        output.WriteLine("frames: " + (difference ?? $"identical ({compared} frames, byte for byte{(rounds > 1 ? $", in all {rounds} rounds" : "")})"));
        return 0;
    }

    private static string Text(Timing t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t.Seconds:F3} s{(t.Cpu is { } c ? $" (CPU {c:F3} s)" : "")}");

    private static string Work(Timing t) =>
        t.Decoded is { } n and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; {n:N0} frame{(n == 1 ? "" : "s")} decoded, {t.Seconds * 1000 / n:F2} ms each")
            : "";

    /// <summary>The per-field median over the rounds (the mean of the middle two for an even count).</summary>
    private static Timing Median(List<Timing> runs)
    {
        static double Mid(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        return new Timing(
            Mid(runs.Select(r => r.Seconds)),
            runs.All(r => r.Cpu is not null) ? Mid(runs.Select(r => r.Cpu!.Value)) : null,
            runs.All(r => r.Decoded is not null) ? (long)Mid(runs.Select(r => (double)r.Decoded!.Value)) : null);
    }

    private sealed record PeerRun(Timing Timing, string Version, List<int> Indices, byte[] Pixels);

    /// <summary>One run of the peer script; null (with the reason written) when it cannot run or fails.</summary>
    private static PeerRun? RunPeer(string python, string peerScript, string video, int frames, TextWriter error)
    {
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
                return null;
            }

            if (exit != 0)
            {
                error.WriteLine($"The PyAV peer failed (exit {exit}): {stderr.Trim()}{(stderr.Contains("No module named", StringComparison.Ordinal) ? " — install Debian's python3-av and python3-numpy (apt-get install python3-av python3-numpy), and run them with --python /usr/bin/python3." : "")}");
                return null;
            }

            using var report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            var root = report.RootElement;
            var timing = new Timing(
                root.GetProperty("seconds").GetDouble(),
                root.TryGetProperty("cpu_seconds", out var c) ? c.GetDouble() : null,
                root.TryGetProperty("decoded", out var d) ? d.GetInt64() : null);
            return new PeerRun(
                timing,
                root.GetProperty("pyav").GetString() ?? "?",
                [.. root.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32())],
                File.ReadAllBytes(raw));
        }
        finally
        {
            File.Delete(raw);
        }
    }

    /// <summary>Null when our frames are the peer's rgb24 bytes, else what differs.</summary>
    private static string? Compare(List<VideoFrame> ours, List<int> peerIndices, byte[] bytes, int frameBytes)
    {
        if (!peerIndices.SequenceEqual(ours.Select(f => f.Index)))
        {
            return $"DIFFERENT indices (ours {string.Join(',', ours.Select(f => f.Index))}; PyAV {string.Join(',', peerIndices)})";
        }

        if (bytes.Length != frameBytes * ours.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"DIFFERENT sizes (PyAV wrote {bytes.Length} bytes, ours {frameBytes * ours.Count})");
        }

        var differing = new List<int>();
        var maxDiff = 0;
        for (var k = 0; k < ours.Count; k++)
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

        return differing.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{differing.Count} of {ours.Count} differ (frames {string.Join(',', differing)}; largest channel difference {maxDiff})");
    }
}
