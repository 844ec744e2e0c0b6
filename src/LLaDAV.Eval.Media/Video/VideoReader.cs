using System.Globalization;
using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Processes;

namespace LLaDAV.Eval.Media.Video;

/// <summary>
/// Video metadata through ffprobe and frame extraction through one ffmpeg process per video (a <c>select</c> filter
/// keeps the wanted frame numbers, rawvideo rgb24 is streamed back a frame at a time), the way FFMpegCore drives them.
/// </summary>
public sealed class VideoReader(ExternalTool ffmpeg, ExternalTool ffprobe)
{
    public static VideoReader Default { get; } = new(ExternalTool.Ffmpeg, ExternalTool.Ffprobe);

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

        var frames = Number(stream, "nb_frames") is { } n and > 0 ? (int)n : CountFrames(path);
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
    /// (repeats included) in order. Frames are produced one at a time; only the current frame is held.
    /// </summary>
    public IEnumerable<VideoFrame> SampleUniform(string path, int count = FrameSampling.DefaultFrameCount)
    {
        var info = Probe(path);
        if (info.FrameCount <= 0)
        {
            throw new MediaException($"'{path}' reports no frames.") { MediaPath = path };
        }

        return ReadFrames(info, FrameSampling.UniformIndices(info.FrameCount, count));
    }

    /// <summary>The frames at <paramref name="indices"/> (non-decreasing; repeats allowed), decoded by one ffmpeg process.</summary>
    public IEnumerable<VideoFrame> ReadFrames(VideoInfo info, IReadOnlyList<int> indices)
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

        return indices.Count == 0 ? [] : Stream(info, indices);
    }

    private IEnumerable<VideoFrame> Stream(VideoInfo info, IReadOnlyList<int> indices)
    {
        var distinct = indices.Distinct().ToList();
        var select = "select='" + string.Join('+', distinct.Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i})"))) + "'";
        using var process = ffmpeg.Start(
            ["-v", "error", "-nostdin", "-noautorotate", "-i", FileUrl(info.Path), "-map", "0:v:0", "-an", "-sn",
             "-vf", select, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            redirectStdin: false,
            info.Path);
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.BaseStream;
        var frameBytes = checked(info.Width * info.Height * 3);
        var next = 0;
        var streamEnded = false;
        try
        {
            foreach (var index in distinct)
            {
                var pixels = new byte[frameBytes];
                if (output.ReadAtLeast(pixels, frameBytes, throwOnEndOfStream: false) < frameBytes)
                {
                    streamEnded = true;
                    break;
                }

                var frame = new VideoFrame(index, new RgbImage(info.Width, info.Height, pixels));
                for (; next < indices.Count && indices[next] == index; next++)
                {
                    yield return frame;
                }
            }
        }
        finally
        {
            // Once the last wanted frame is out (or the consumer stopped early) the rest of the video need not be
            // decoded; when the stream ended short, ffmpeg is exiting by itself and its exit code explains why.
            if (!streamEnded && !process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit();
        }

        if (next < indices.Count)
        {
            var reason = process.ExitCode != 0 ? ffmpeg.Failure(process.ExitCode, stderr.GetAwaiter().GetResult(), info.Path).Message : "the stream ended early";
            throw new MediaException(
                $"Could not decode frame {indices[next]} of '{info.Path}' ({info.FrameCount} frames expected): {reason}")
            { MediaPath = info.Path };
        }
    }

    private int CountFrames(string path)
    {
        var json = ffprobe.Run(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-print_format", "json", FileUrl(path)], mediaPath: path);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("streams", out var s) && s.GetArrayLength() > 0 && Number(s[0], "nb_read_frames") is { } n ? (int)n : 0;
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
