using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Media.Tests.Video;

/// <summary>
/// Frames found by seeking equal, byte for byte, the frames a full decode keeps at the same indices (the reference:
/// every frame decoded in presentation order by an ffmpeg process, frame n kept by <c>select=eq(n,i)</c>), on constant
/// and variable frame rate files, by both seeking paths (in this process through libav, and ffmpeg processes); and they
/// are the source frames decord's indices name (each frame's colour encodes its number).
/// </summary>
public sealed class SeekDecodeTests(SeekingVideos videos) : IClassFixture<SeekingVideos>
{
    public static TheoryData<string, bool> Files => new()
    {
        { "Cfr", true }, { "Vfr", true }, { "Webm", true }, { "Tagged", true },
        { "Cfr", false }, { "Vfr", false }, { "Webm", false }, { "Tagged", false },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Seeking_gives_the_full_decode_bytes_without_falling_back(string which, bool inProcess)
    {
        var path = Path(which);
        var reader = Reader(inProcess);
        var seek = reader.SampleUniform(path, 32).ToList();
        Assert.Equal(0, reader.SeekFallbacks); // the seeking path produced them, not the fallback
        Assert.Equal(inProcess ? 1 : 0, reader.InProcessDecodes); // and the path asked for
        var full = reader.SampleUniform(path, 32, VideoDecodeMethod.FullDecode).ToList();
        Assert.Equal(full.Select(f => f.Index), seek.Select(f => f.Index));
        for (var k = 0; k < full.Count; k++)
        {
            Assert.True(full[k].Image.Pixels.AsSpan().SequenceEqual(seek[k].Image.Pixels), $"{which}: frame {full[k].Index} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Seeking_lands_on_the_linspace_source_frames(string which, bool inProcess)
    {
        // np.linspace(0, 119, 32, dtype=int), by hand: step 119/31 = 3.8387..., floor(k * step).
        int[] expected = [0, 3, 7, 11, 15, 19, 23, 26, 30, 34, 38, 42, 46, 49, 53, 57, 61, 65, 69, 72, 76, 80, 84, 88, 92, 95, 99, 103, 107, 111, 115, 119];
        var frames = Reader(inProcess).SampleUniform(Path(which), 32).ToList();
        Assert.Equal(expected, frames.Select(f => f.Index));
        if (which != "Tagged")
        {
            // the tagged file's full-range BT.709 colours no longer read back as the BT.601 numbers SourceFrame expects
            Assert.Equal(expected, frames.Select(f => SourceFrame(f.Image)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Few_frames_and_repeats_come_from_one_decode(bool inProcess)
    {
        var reader = Reader(inProcess);
        var info = reader.Probe(videos.Vfr);
        var frames = reader.ReadFrames(info, [5, 5, 6, 64, 119]).ToList();
        Assert.Equal([5, 5, 6, 64, 119], frames.Select(f => SourceFrame(f.Image)));
        Assert.Same(frames[0].Image, frames[1].Image);
        Assert.Equal(1, reader.Decodes);
        Assert.Equal(0, reader.SeekFallbacks);
        Assert.Equal(inProcess ? 1 : 0, reader.InProcessDecodes);
    }

    /// <summary>
    /// The work decord's <c>get_batch</c> rule does (VideoReader::SeekAccurate: seek to the keyframe before a wanted
    /// frame unless that keyframe is not past the last frame decoded, then decode on to it), counted by hand on a file
    /// whose keyframes are exactly 0, 10, ..., 110 and whose other frames are all P-frames (references, so none can be
    /// skipped). 8 frames: np.linspace(0, 119, 8, dtype=int) = 0, 17, 34, 51, 68, 85, 102, 119, each in its own GOP:
    /// 1 + 8 (10..17) + 5 (30..34) + 2 + 9 + 6 + 3 + 10 = 44. 16 frames: 0, 7, 15, 23, 31, 39, ..., 119 (floor(k·119/15));
    /// 7 and 39, 79, 119 decode on from the frame before (1..7, 32..39, 72..79, 112..119: 7 and 3 × 8), the others seek:
    /// 1 + 7 + 6 + 4 + 2 + 8 + 8 + 6 + 4 + 2 + 8 + 8 + 6 + 4 + 2 + 8 = 84.
    /// </summary>
    [Theory]
    [InlineData(8, 44)]
    [InlineData(16, 84)]
    public void The_frames_decoded_are_decords_seek_rule_counted_by_hand(int count, int decoded)
    {
        var reader = Reader(inProcess: true);
        var frames = reader.SampleUniform(videos.PframesOnly, count).ToList();
        Assert.Equal(1, reader.InProcessDecodes);
        Assert.Equal(frames.Select(f => f.Index), frames.Select(f => SourceFrame(f.Image)));
        Assert.Equal(decoded, reader.InProcessFramesDecoded);
    }

    [Theory]
    [InlineData("Vfr")]
    [InlineData("Webm")]
    [InlineData("Ts")]
    public void One_ffprobe_run_gives_the_probe_and_the_packet_index(string which)
    {
        var path = which == "Ts" ? videos.Ts : Path(which);
        var reader = Reader(inProcess: false);
        var (info, times) = reader.ProbeWithIndex(path);
        Assert.Equal(reader.Probe(path), info);
        Assert.Equal(SeekingVideos.Frames, info.FrameCount); // the WebM has no nb_frames: its packets are counted
        var separate = reader.ReadPacketTimes(path);
        Assert.Equal(separate.Pts, times.Pts);
        Assert.Equal(separate.Key, times.Key);
        Assert.Equal((separate.TimeBaseNum, separate.TimeBaseDen, separate.Complete), (times.TimeBaseNum, times.TimeBaseDen, times.Complete));
    }

    [Theory]
    [InlineData("Vfr")]
    [InlineData("Webm")]
    [InlineData("Ts")]
    public void The_in_process_index_is_ffprobes(string which)
    {
        Assert.SkipWhen(VideoReader.InProcessUnavailable is not null, $"libav in process: {VideoReader.InProcessUnavailable}");
        var path = which == "Ts" ? videos.Ts : Path(which);
        var reader = Reader(inProcess: false);
        using var file = LLaDAV.Eval.Media.Video.Libav.LibavVideoFile.TryOpen(path);
        Assert.NotNull(file);
        var probe = reader.Probe(path);
        Assert.Equal((probe.Codec, probe.Width, probe.Height, probe.FrameCount), (file.Info.Codec, file.Info.Width, file.Info.Height, file.Info.FrameCount));
        var times = reader.ReadPacketTimes(path);
        Assert.Equal(times.Pts, file.Times.Pts);
        Assert.Equal(times.Key, file.Times.Key);
        Assert.Equal((times.TimeBaseNum, times.TimeBaseDen), (file.Times.TimeBaseNum, file.Times.TimeBaseDen));
    }

    [Fact]
    public void Frames_after_one_seek_give_the_full_decode_bytes()
    {
        // Frames 11-19 share the keyframe at 10 (-g 10): one seek, then decoding on (B-frames between them skipped).
        var reader = Reader(inProcess: true);
        var info = reader.Probe(videos.Cfr);
        var seek = reader.ReadFrames(info, [11, 13, 17, 19]).ToList();
        Assert.Equal(1, reader.InProcessDecodes);
        var full = reader.ReadFrames(info, [11, 13, 17, 19], VideoDecodeMethod.FullDecode).ToList();
        Assert.Equal(full.Select(f => f.Image.Pixels), seek.Select(f => f.Image.Pixels), new BytesComparer());
        Assert.Equal([11, 13, 17, 19], seek.Select(f => SourceFrame(f.Image)));
    }

    [Fact]
    public void Frames_the_in_process_index_lacks_go_to_ffmpeg_which_names_the_file()
    {
        Assert.SkipWhen(VideoReader.InProcessUnavailable is not null, $"libav in process: {VideoReader.InProcessUnavailable}");
        var reader = Reader(inProcess: true);
        var info = reader.Probe(videos.Cfr);
        var e = Assert.Throws<MediaException>(() => reader.ReadFrames(info, [3, SeekingVideos.Frames + 5]).ToList());
        Assert.Contains(videos.Cfr, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, reader.InProcessDecodes);
    }

    [Fact]
    public void Variable_frame_rate_frames_are_found_by_packet_timestamps_not_fps()
    {
        var reader = VideoReader.Default;
        var times = reader.ReadPacketTimes(videos.Vfr);
        // 40 frames 512 ticks apart (25 fps at 1/12800), 40 at 1280 (10 fps), 40 at 256 (50 fps).
        Assert.Equal(SeekingVideos.Frames, times.Pts.Length);
        Assert.Equal((1L, 12800L), (times.TimeBaseNum, times.TimeBaseDen));
        Assert.Equal(512, times.Pts[40 - 1] - times.Pts[40 - 2]);
        Assert.Equal(1280, times.Pts[79] - times.Pts[78]);
        Assert.Equal(256, times.Pts[119] - times.Pts[118]);
        Assert.True(times.Key[0]);
        // at avg_frame_rate (120 frames over 8.8 s ≈ 13.6 fps) frame 100 would be at 7.3 s; it is at 40/25 + 40/10 + 20/50 = 6 s
        Assert.Equal(6.0, (times.Pts[100] - times.Pts[0]) / 12800.0, 9);
        Assert.Equal(100, SourceFrame(reader.ReadFrames(reader.Probe(videos.Vfr), [100]).Single().Image));
    }

    [Fact]
    public void A_container_without_exact_seeking_still_gives_the_full_decode_frames()
    {
        // MPEG-TS may seek inexactly; whichever path serves it, the frames are the full decode's.
        var reader = new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe) { InProcess = false };
        var seek = reader.SampleUniform(videos.Ts, 16).ToList();
        var inProcess = VideoReader.Default.SampleUniform(videos.Ts, 16).ToList();
        var full = reader.SampleUniform(videos.Ts, 16, VideoDecodeMethod.FullDecode).ToList();
        Assert.Equal(full.Select(f => f.Image.Pixels), seek.Select(f => f.Image.Pixels), new BytesComparer());
        Assert.Equal(full.Select(f => f.Image.Pixels), inProcess.Select(f => f.Image.Pixels), new BytesComparer());
    }

    [Fact]
    public void Frame_count_without_nb_frames_comes_from_the_packet_index()
    {
        var info = VideoReader.Default.Probe(videos.Webm);
        Assert.Equal(SeekingVideos.Frames, info.FrameCount);
    }

    private string Path(string which) => which switch
    {
        "Cfr" => videos.Cfr,
        "Vfr" => videos.Vfr,
        "Webm" => videos.Webm,
        "Tagged" => videos.Tagged,
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    /// <summary>A reader on one seeking path; the in-process one is skipped where FFmpeg 5.1's libraries are absent.</summary>
    private static VideoReader Reader(bool inProcess)
    {
        Assert.SkipWhen(inProcess && VideoReader.InProcessUnavailable is not null, $"libav in process: {VideoReader.InProcessUnavailable}");
        return new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe) { InProcess = inProcess };
    }

    /// <summary>The source frame n whose colour (16·(n mod 16) + 8, 128, 16·⌊n/16⌋ + 8) is nearest the frame's centre pixel.</summary>
    private static int SourceFrame(RgbImage image)
    {
        var at = ((image.Height / 2 * image.Width) + (image.Width / 2)) * 3;
        var (r, b) = (image.Pixels[at], image.Pixels[at + 2]);
        return Enumerable.Range(0, SeekingVideos.Frames)
            .MinBy(n => Math.Abs(r - ((16 * (n % 16)) + 8)) + Math.Abs(b - ((16 * (n / 16)) + 8)));
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
