using System.Globalization;
using System.Text;
using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Processes;

namespace LLaDAV.Eval.Media.Video;

/// <summary>
/// Video metadata and frame extraction. Frames are found the way decord's <c>VideoReader.get_batch</c> finds them
/// (lmms-eval 75571cf <c>llava_onevision.py</c> <c>load_video</c>): frame i is the packet with the i-th smallest
/// presentation timestamp (decord sorts its packet index by pts), reached by seeking to the keyframe before it and
/// decoding from there, so the cost follows the number of frames wanted, not the video's length.
/// <para>
/// First choice (<see cref="InProcess"/>): libav in this process, as decord and PyAV do it (<c>LibavVideoFile</c>).
/// Otherwise ffprobe (one run: stream facts and packet index) and ffmpeg: each run of wanted frames (see
/// <see cref="SeekDecodeRuns"/>) is one ffmpeg input with an accurate seek (<c>-ss</c> halfway between the first
/// frame's pts and the one before it, <c>-seek_timestamp 1</c> so the time is the stream's own); <c>trim</c> ends the
/// input after the run, <c>select</c> keeps the run's frames, <c>concat</c> joins the runs; <c>showinfo</c> reports
/// each kept frame's timestamp, and a frame that is not the wanted one (a container whose seeking is inexact) makes the
/// whole video fall back to one full decode with a <c>select</c> filter, which gives the same frames by construction.
/// All paths convert to rgb24 as ffmpeg's <c>scale</c> filter does, so their bytes agree (tests compare them on
/// constant and variable frame rate files and a colour-tagged one).
/// </para>
/// </summary>
public sealed class VideoReader(ExternalTool ffmpeg, ExternalTool ffprobe)
{
    private long _decodes;
    private long _fallbacks;
    private long _inProcess;
    private long _framesDecoded;

    public static VideoReader Default { get; } = new(ExternalTool.Ffmpeg, ExternalTool.Ffprobe);

    /// <summary>Videos whose frames this reader decoded (one per <see cref="ReadFrames(VideoInfo, IReadOnlyList{int}, VideoDecodeMethod)"/> call that decoded).</summary>
    public long Decodes => Interlocked.Read(ref _decodes);

    /// <summary>Seeking decodes that did not land on the wanted frames and were redone as a full decode.</summary>
    public long SeekFallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Decodes served in this process through libav (<see cref="InProcess"/>) rather than by ffmpeg processes.</summary>
    public long InProcessDecodes => Interlocked.Read(ref _inProcess);

    /// <summary>
    /// Frames the in-process decodes (<see cref="InProcessDecodes"/>) had libavcodec output, wanted or passed through on
    /// the way to a wanted one; non-reference frames skipped are not counted (ffmpeg processes' decodes are not either).
    /// </summary>
    public long InProcessFramesDecoded => Interlocked.Read(ref _framesDecoded);

    /// <summary>
    /// Seeking decodes run in this process through the FFmpeg 5.1 libraries (Debian 12's <c>ffmpeg</c> package) when
    /// they are installed (see <c>LibavVideoFile</c>), as decord and PyAV decode: no ffprobe or ffmpeg process starts,
    /// whose start-up alone costs about a quarter of a second each. A file or setup that path cannot serve exactly
    /// goes to the ffmpeg processes. False: always the processes (tests compare the two).
    /// </summary>
    public bool InProcess { get; init; } = true;

    /// <summary>Why the in-process path is off on this machine (libraries missing or another FFmpeg); null when it is on.</summary>
    public static string? InProcessUnavailable => Libav.LibavNative.Unavailable;

    /// <summary>
    /// Loads libav and compiles the in-process path's code without decoding anything: what a run has done once its
    /// first video is read, and what <c>import av</c> does for PyAV. <c>bench --video</c> calls it before starting its
    /// clock so that both sides are timed per video. Returns <see cref="InProcessUnavailable"/>.
    /// </summary>
    public static string? PrepareInProcess()
    {
        if (Libav.LibavNative.Unavailable is { } reason)
        {
            return reason;
        }

        const System.Reflection.BindingFlags All = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
            | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        foreach (var type in new[] { typeof(Libav.LibavVideoFile), typeof(Libav.LibavNative), typeof(VideoReader) })
        {
            foreach (var method in type.GetMethods(All).Where(m => !m.IsAbstract && !m.ContainsGenericParameters))
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }

        return null;
    }

    /// <summary>
    /// The file's first video stream. The frame count is the container's <c>nb_frames</c>, else the stream's packet
    /// count (<c>-count_packets</c> reads the packets without decoding them), as decord counts from its packet index.
    /// </summary>
    /// <exception cref="MediaException">The file is missing, has no video stream, cannot be read, or ffprobe is missing.</exception>
    public VideoInfo Probe(string path)
    {
        RequireFile(path);
        var json = ffprobe.Run(["-v", "error", "-print_format", "json", "-show_streams", "-show_format", "-select_streams", "v:0", FileUrl(path)], mediaPath: path);
        using var doc = JsonDocument.Parse(json);
        var streams = doc.RootElement.TryGetProperty("streams", out var s) ? s : default;
        if (streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
        {
            throw new MediaException($"'{path}' has no video stream.") { MediaPath = path };
        }

        var stream = streams[0];
        var format = doc.RootElement.TryGetProperty("format", out var f) ? f : default;
        var width = (int)(Number(stream, "width") ?? 0);
        var height = (int)(Number(stream, "height") ?? 0);
        if (width <= 0 || height <= 0)
        {
            throw new MediaException($"'{path}' has a video stream without a frame size.") { MediaPath = path };
        }

        var frames = Number(stream, "nb_frames") is { } n and > 0 ? (int)n : CountPackets(path);
        var fps = Rate(stream, "avg_frame_rate") is { } avg and > 0 ? avg : Rate(stream, "r_frame_rate") ?? 0;
        var duration = Number(stream, "duration") ?? (format.ValueKind == JsonValueKind.Object ? Number(format, "duration") : null) ?? 0;
        return new VideoInfo(
            path,
            stream.TryGetProperty("codec_name", out var codec) ? codec.GetString() ?? string.Empty : string.Empty,
            width,
            height,
            frames,
            fps,
            duration);
    }

    /// <summary>
    /// lmms-eval's video path: <see cref="FrameSampling.UniformIndices"/> over the probed frame count, then those frames
    /// (repeats included) in order.
    /// </summary>
    public IEnumerable<VideoFrame> SampleUniform(string path, int count = FrameSampling.DefaultFrameCount, VideoDecodeMethod method = VideoDecodeMethod.Seek)
    {
        RequireFile(path);
        if (method == VideoDecodeMethod.Seek && InProcess && ReadInProcess(path, info => FrameSampling.UniformIndices(info.FrameCount, count)) is { } frames)
        {
            return frames;
        }

        // One ffprobe gives both the stream's facts and the packet index the seeking decode needs.
        var (info, times) = method == VideoDecodeMethod.Seek ? ProbeWithIndex(path) : (Probe(path), null);
        if (info.FrameCount <= 0)
        {
            throw new MediaException($"'{path}' reports no frames.") { MediaPath = path };
        }

        return Expand(info, FrameSampling.UniformIndices(info.FrameCount, count), method, times);
    }

    /// <summary>Packets the one-call probe reads before it stops: 20 million, about 185 hours at 30 frames a second.</summary>
    public const int MaxIndexedPackets = 20_000_000;

    /// <summary>
    /// <see cref="Probe"/> and <see cref="ReadPacketTimes"/> from one ffprobe run (each ffprobe start costs a few tenths
    /// of a second): the stream's facts, the format's duration and every packet's pts and flags in ffprobe's compact
    /// writer, read line by line, at most <see cref="MaxIndexedPackets"/> packets.
    /// </summary>
    internal (VideoInfo Info, PacketTimes Times) ProbeWithIndex(string path)
    {
        RequireFile(path);
        using var process = ffprobe.Start(
            ["-v", "error", "-select_streams", "v:0",
             "-show_entries", "stream=codec_name,width,height,nb_frames,avg_frame_rate,r_frame_rate,duration,time_base:format=duration:packet=pts,flags",
             "-of", "compact=p=1", FileUrl(path)],
            redirectStdin: false,
            path);
        var stderr = process.StandardError.ReadToEndAsync();
        var packets = new List<(long Pts, bool Key)>();
        var missing = false;
        Dictionary<string, string>? stream = null, format = null;
        using (var reader = new StreamReader(process.StandardOutput.BaseStream, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } line)
            {
                // compact writer, section name first, then key=value: "packet|pts=1024|flags=K_", "stream|codec_name=h264|...".
                var fields = line.Split('|');
                if (fields[0] == "packet")
                {
                    if (packets.Count >= MaxIndexedPackets)
                    {
                        process.Kill();
                        process.WaitForExit();
                        throw new MediaException($"'{path}' has more than {MaxIndexedPackets} video packets; the frame index stops there.") { MediaPath = path };
                    }

                    var (pts, flags) = (Field(fields, "pts"), Field(fields, "flags") ?? string.Empty);
                    if (long.TryParse(pts, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p))
                    {
                        packets.Add((p, flags.StartsWith('K')));
                    }
                    else
                    {
                        missing = true; // "N/A": e.g. AVI packets carry no pts
                        packets.Add((0, flags.StartsWith('K')));
                    }
                }
                else if (fields[0] == "stream" && stream is null)
                {
                    stream = Fields(fields);
                }
                else if (fields[0] == "format")
                {
                    format = Fields(fields);
                }
            }
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw ffprobe.Failure(process.ExitCode, stderr.GetAwaiter().GetResult(), path);
        }

        if (stream is null)
        {
            throw new MediaException($"'{path}' has no video stream.") { MediaPath = path };
        }

        var width = (int)(Text(stream, "width") ?? 0);
        var height = (int)(Text(stream, "height") ?? 0);
        if (width <= 0 || height <= 0)
        {
            throw new MediaException($"'{path}' has a video stream without a frame size.") { MediaPath = path };
        }

        // As Probe: nb_frames, else the stream's packet count (what -count_packets counts).
        var frames = Text(stream, "nb_frames") is { } n and > 0 ? (int)n : packets.Count;
        var fps = Rate(stream.GetValueOrDefault("avg_frame_rate")) is { } avg and > 0 ? avg : Rate(stream.GetValueOrDefault("r_frame_rate")) ?? 0;
        var duration = Text(stream, "duration") ?? (format is null ? null : Text(format, "duration")) ?? 0;
        var info = new VideoInfo(path, stream.GetValueOrDefault("codec_name") ?? string.Empty, width, height, frames, fps, duration);

        var timeBase = stream.GetValueOrDefault("time_base")?.Split('/') is [var a, var b]
            && long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var num)
            && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var den) && num > 0 && den > 0
            ? (num, den)
            : (0L, 0L);
        return (info, PacketTimes.FromPackets(packets, timeBase.Item1, timeBase.Item2, missing));

        static string? Field(string[] fields, string key)
        {
            foreach (var f in fields)
            {
                if (f.Length > key.Length && f[key.Length] == '=' && f.StartsWith(key, StringComparison.Ordinal))
                {
                    return f[(key.Length + 1)..];
                }
            }

            return null;
        }

        static Dictionary<string, string> Fields(string[] fields) =>
            fields.Skip(1).Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

        static double? Text(Dictionary<string, string> section, string key) =>
            section.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

        static double? Rate(string? text) =>
            text?.Split('/') is [var x, var y]
            && double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && den != 0
                ? num / den
                : null;
    }

    /// <summary>The frames at <paramref name="indices"/> (non-decreasing; repeats allowed), each distinct frame decoded once.</summary>
    public IEnumerable<VideoFrame> ReadFrames(VideoInfo info, IReadOnlyList<int> indices, VideoDecodeMethod method = VideoDecodeMethod.Seek)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(indices);
        for (var i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || (i > 0 && indices[i] < indices[i - 1]))
            {
                throw new ArgumentException("Frame indices must be non-negative and non-decreasing.", nameof(indices));
            }
        }

        if (indices.Count > 0 && method == VideoDecodeMethod.Seek && InProcess
            && ReadInProcess(info.Path, opened => opened.FrameCount == info.FrameCount ? indices : null) is { } frames)
        {
            return frames;
        }

        return indices.Count == 0 ? [] : Expand(info, indices, method, times: null);
    }

    /// <summary>
    /// The frames at the indices <paramref name="choose"/> picks from the file's own info, decoded in this process; null
    /// when that path cannot serve them (the caller then runs ffmpeg, which also reports any error).
    /// </summary>
    private List<VideoFrame>? ReadInProcess(string path, Func<VideoInfo, IReadOnlyList<int>?> choose)
    {
        using var file = Libav.LibavVideoFile.TryOpen(path);
        if (file is null || file.Info.FrameCount <= 0 || choose(file.Info) is not { Count: > 0 } indices)
        {
            return null;
        }

        var distinct = indices.Distinct().ToList();
        if (file.ReadFrames(distinct) is not { } images)
        {
            return null;
        }

        Interlocked.Increment(ref _decodes);
        Interlocked.Increment(ref _inProcess);
        Interlocked.Add(ref _framesDecoded, file.FramesDecoded);
        var frames = new List<VideoFrame>(indices.Count);
        var next = 0;
        for (var k = 0; k < distinct.Count; k++)
        {
            var frame = new VideoFrame(distinct[k], images[k]);
            for (; next < indices.Count && indices[next] == distinct[k]; next++)
            {
                frames.Add(frame);
            }
        }

        return frames;
    }

    /// <summary>
    /// The presentation timestamps of the first video stream's packets, ascending, with their keyframe flags, and the
    /// stream's time base: the index decord builds (<c>VideoReader::IndexKeyframes</c>), read by demuxing only.
    /// </summary>
    public PacketTimes ReadPacketTimes(string path)
    {
        RequireFile(path);
        var text = Encoding.UTF8.GetString(ffprobe.Run(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base:packet=pts,flags", "-of", "compact=p=1:nk=1", FileUrl(path)],
            mediaPath: path));
        var packets = new List<(long Pts, bool Key)>();
        var timeBase = (Num: 0L, Den: 0L);
        var missing = false;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // compact writer, section name first: "packet|1024|K_" and "stream|1/12800" (p=1 keeps it, nk=1 drops keys).
            var fields = line.Split('|');
            if (fields is ["packet", var ptsText, var flags, ..])
            {
                if (long.TryParse(ptsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p))
                {
                    packets.Add((p, flags.StartsWith('K')));
                }
                else
                {
                    missing = true; // "N/A": e.g. AVI packets carry no pts
                }
            }
            else if (fields is ["stream", var tb, ..] && tb.Split('/') is [var a, var b]
                && long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var num)
                && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var den) && num > 0 && den > 0)
            {
                timeBase = (num, den);
            }
        }

        return PacketTimes.FromPackets(packets, timeBase.Num, timeBase.Den, missing);
    }

    private IEnumerable<VideoFrame> Expand(VideoInfo info, IReadOnlyList<int> indices, VideoDecodeMethod method, PacketTimes? times)
    {
        var distinct = indices.Distinct().ToList();
        var images = Decode(info, distinct, method, times);
        var next = 0;
        for (var k = 0; k < distinct.Count; k++)
        {
            var frame = new VideoFrame(distinct[k], images[k]);
            for (; next < indices.Count && indices[next] == distinct[k]; next++)
            {
                yield return frame;
            }
        }
    }

    private List<RgbImage> Decode(VideoInfo info, List<int> distinct, VideoDecodeMethod method, PacketTimes? known)
    {
        Interlocked.Increment(ref _decodes);
        if (method == VideoDecodeMethod.Seek)
        {
            var times = known ?? ReadPacketTimes(info.Path);
            if (times.Complete && distinct[^1] < times.Pts.Length && SeekDecode(info, distinct, times) is { } frames)
            {
                return frames;
            }

            Interlocked.Increment(ref _fallbacks);
        }

        return FullDecode(info, distinct);
    }

    /// <summary>
    /// Wanted frames in runs: a frame joins the run before it when no keyframe lies between them (decoding on is then
    /// cheaper than seeking back to its keyframe, as decord's <c>get_batch</c> decides); each run is one accurately
    /// seeked input, cut after the run's last frame (<c>trim</c>), whose <c>select</c> keeps the run's frames by their
    /// distance from its first. Null when a kept frame is not the wanted one.
    /// </summary>
    private List<RgbImage>? SeekDecode(VideoInfo info, List<int> distinct, PacketTimes times)
    {
        var runs = new List<List<int>>();
        var lastKey = new int[times.Pts.Length];
        for (int i = 0, key = 0; i < times.Pts.Length; i++)
        {
            key = times.Key[i] ? i : key;
            lastKey[i] = key;
        }

        foreach (var i in distinct)
        {
            if (runs.Count > 0 && lastKey[i] <= runs[^1][^1])
            {
                runs[^1].Add(i);
            }
            else
            {
                runs.Add([i]);
            }
        }

        // The runs split into contiguous shares, one ffmpeg process each, run side by side (ffmpeg reads its inputs
        // one after another; the seeks themselves are independent).
        var processes = Math.Clamp(Environment.ProcessorCount, 1, Math.Min(MaxProcesses, runs.Count));
        var shares = Enumerable.Range(0, processes)
            .Select(p => runs.GetRange(runs.Count * p / processes, (runs.Count * (p + 1) / processes) - (runs.Count * p / processes)))
            .ToList();
        var parts = new List<RgbImage>?[processes];
        Parallel.For(0, processes, new ParallelOptions { MaxDegreeOfParallelism = processes }, p => parts[p] = SeekDecodeRuns(info, shares[p], times));
        return parts.Any(p => p is null) ? null : [.. parts.SelectMany(p => p!)];
    }

    /// <summary>Processes one seeking decode may start at once (on a machine with that many cores).</summary>
    public const int MaxProcesses = 4;

    private List<RgbImage>? SeekDecodeRuns(VideoInfo info, List<List<int>> runs, PacketTimes times)
    {
        var arguments = new List<string> { "-v", "info", "-nostdin" };
        var wanted = runs.Sum(r => r.Count);
        var expected = new List<(double Time, double Tolerance)>();
        var graph = new StringBuilder();
        double Seconds(double pts) => pts * times.TimeBaseNum / times.TimeBaseDen;
        for (var k = 0; k < runs.Count; k++)
        {
            var first = runs[k][0];
            var pts = times.Pts[first];
            // The frame before (for frame 0, a virtual one as far before as frame 1 is after), so the seek point is
            // strictly between two frames: no rounding of the printed time can move it past the wanted frame.
            var previous = first > 0 ? times.Pts[first - 1] : pts - Math.Max(1, times.Pts.Length > 1 ? times.Pts[1] - pts : 1);
            if (previous == pts)
            {
                return null; // two packets with one pts: no timestamp tells them apart
            }

            var seek = Seconds((pts + previous) / 2.0);
            // Input options hold for the next input only, so each input gets its own: -noautorotate, -seek_timestamp 1
            // (the seek time is the stream's own, not an offset from the file's start time, which MPEG-TS sets), and
            // -threads 1: each input is a fresh decoder that decodes at most one run, where frame threads' start-up and
            // flushing cost more CPU than they save (measured on this machine: 3.3 s of CPU instead of 5-6.8 s for
            // the 32 inputs of a 10-minute 720p file).
            arguments.AddRange(["-noautorotate", "-seek_timestamp", "1", "-threads", "1", "-ss", seek.ToString("0.#########", CultureInfo.InvariantCulture), "-i", FileUrl(info.Path)]);
            foreach (var i in runs[k])
            {
                // Without -copyts a kept frame's time is its pts less the seek point; a neighbour is at least a
                // quarter of the smaller gap away.
                var gap = Math.Min(times.Pts[i] - (i > 0 ? times.Pts[i - 1] : previous), i + 1 < times.Pts.Length ? times.Pts[i + 1] - times.Pts[i] : long.MaxValue / 4);
                if (gap <= 0)
                {
                    return null;
                }

                expected.Add((Seconds(times.Pts[i]) - seek, Seconds(gap) / 4));
            }

            var select = string.Join('+', runs[k].Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i - first})")));
            // trim first: its end makes ffmpeg stop reading this input (a select before it would let the input decode
            // on to the end of the file); select then keeps the run's frames.
            graph.Append(CultureInfo.InvariantCulture, $"[{k}:v:0]trim=end_frame={runs[k][^1] - first + 1},select='{select}',showinfo[v{k}];");
        }

        for (var k = 0; k < runs.Count; k++)
        {
            graph.Append(CultureInfo.InvariantCulture, $"[v{k}]");
        }

        graph.Append(CultureInfo.InvariantCulture, $"concat=n={runs.Count}:v=1:a=0[out]");
        arguments.AddRange(["-filter_complex", graph.ToString(), "-map", "[out]", "-an", "-sn", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);

        using var process = ffmpeg.Start(arguments, redirectStdin: false, info.Path);
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.BaseStream;
        var frameBytes = checked(info.Width * info.Height * 3);
        var frames = new List<RgbImage>(wanted);
        for (var k = 0; k < wanted; k++)
        {
            var pixels = new byte[frameBytes];
            if (output.ReadAtLeast(pixels, frameBytes, throwOnEndOfStream: false) < frameBytes)
            {
                break;
            }

            frames.Add(new RgbImage(info.Width, info.Height, pixels));
        }

        // A frame size change mid-stream or surplus output also means this path cannot be trusted.
        var surplus = output.ReadByte() >= 0;
        if (surplus && !process.HasExited)
        {
            process.Kill();
        }

        process.WaitForExit();
        if (process.ExitCode != 0 || surplus || frames.Count != wanted)
        {
            return null;
        }

        var kept = KeptFrameTimes(stderr.GetAwaiter().GetResult(), runs);
        for (var k = 0; k < wanted; k++)
        {
            if (kept[k] is not { } t || Math.Abs(t - expected[k].Time) > expected[k].Tolerance)
            {
                return null;
            }
        }

        return frames;
    }

    /// <summary>
    /// The <c>pts_time</c> of every frame each input's <c>showinfo</c> printed, in order. Filters are numbered in the
    /// order the graph names them (<c>trim</c> 0, <c>select</c> 1, <c>showinfo</c> 2, <c>trim</c> 3, ...), so run k's
    /// is Parsed_showinfo_(3k+2).
    /// </summary>
    private static double?[] KeptFrameTimes(string stderr, List<List<int>> runs)
    {
        var perRun = runs.Select(_ => new List<double>()).ToList();
        foreach (var line in stderr.Split('\n'))
        {
            var at = line.IndexOf("[Parsed_showinfo_", StringComparison.Ordinal);
            var ptsAt = line.IndexOf(" pts_time:", StringComparison.Ordinal);
            if (at < 0 || ptsAt < 0)
            {
                continue;
            }

            var idStart = at + "[Parsed_showinfo_".Length;
            var idEnd = line.IndexOf(' ', idStart);
            var valueStart = ptsAt + " pts_time:".Length;
            var valueEnd = line.IndexOf(' ', valueStart);
            if (idEnd > 0 && int.TryParse(line.AsSpan(idStart, idEnd - idStart), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && id % 3 == 2 && id / 3 < runs.Count
                && double.TryParse(valueEnd < 0 ? line.AsSpan(valueStart) : line.AsSpan(valueStart, valueEnd - valueStart), NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            {
                perRun[id / 3].Add(t);
            }
        }

        var times = new double?[runs.Sum(r => r.Count)];
        var at0 = 0;
        for (var k = 0; k < runs.Count; k++)
        {
            for (var j = 0; j < runs[k].Count; j++)
            {
                times[at0 + j] = j < perRun[k].Count && perRun[k].Count == runs[k].Count ? perRun[k][j] : null;
            }

            at0 += runs[k].Count;
        }

        return times;
    }

    /// <summary>Every frame decoded, the wanted frame numbers kept by a <c>select</c> filter (decode order = presentation order).</summary>
    private List<RgbImage> FullDecode(VideoInfo info, List<int> distinct)
    {
        var select = "select='" + string.Join('+', distinct.Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i})"))) + "'";
        using var process = ffmpeg.Start(
            ["-v", "error", "-nostdin", "-noautorotate", "-i", FileUrl(info.Path), "-map", "0:v:0", "-an", "-sn",
             "-vf", select, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            redirectStdin: false,
            info.Path);
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.BaseStream;
        var frameBytes = checked(info.Width * info.Height * 3);
        var frames = new List<RgbImage>(distinct.Count);
        var streamEnded = false;
        try
        {
            foreach (var _ in distinct)
            {
                var pixels = new byte[frameBytes];
                if (output.ReadAtLeast(pixels, frameBytes, throwOnEndOfStream: false) < frameBytes)
                {
                    streamEnded = true;
                    break;
                }

                frames.Add(new RgbImage(info.Width, info.Height, pixels));
            }
        }
        finally
        {
            // Once the last wanted frame is out the rest of the video need not be decoded; when the stream ended
            // short, ffmpeg is exiting by itself and its exit code explains why.
            if (!streamEnded && !process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit();
        }

        if (frames.Count < distinct.Count)
        {
            var reason = process.ExitCode != 0 ? ffmpeg.Failure(process.ExitCode, stderr.GetAwaiter().GetResult(), info.Path).Message : "the stream ended early";
            throw new MediaException(
                $"Could not decode frame {distinct[frames.Count]} of '{info.Path}' ({info.FrameCount} frames expected): {reason}")
            { MediaPath = info.Path };
        }

        return frames;
    }

    /// <summary>The stream's packets, counted by demuxing (<c>-count_packets</c>), never by decoding (<c>-count_frames</c>).</summary>
    private int CountPackets(string path)
    {
        var json = ffprobe.Run(["-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries", "stream=nb_read_packets", "-print_format", "json", FileUrl(path)], mediaPath: path);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("streams", out var s) && s.GetArrayLength() > 0 && Number(s[0], "nb_read_packets") is { } n ? (int)n : 0;
    }

    /// <summary>An explicit <c>file:</c> URL, so names that start with '-' or contain ':' are not read as options or protocols.</summary>
    private static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    private static void RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new MediaException($"The video file '{path}' does not exist.") { MediaPath = path };
        }
    }

    /// <summary>ffprobe writes most numbers as JSON strings ("100", "4.000000") and "N/A" when unknown.</summary>
    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }

    private static double? Rate(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.GetString() is not { } text)
        {
            return null;
        }

        var parts = text.Split('/');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den)
            && den != 0
            ? num / den
            : null;
    }
}
