using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Media.Tests.Video;

public sealed class VideoReaderTests(GeneratedVideos videos) : IClassFixture<GeneratedVideos>
{
    [Fact]
    public void Probe_reads_size_rate_duration_and_nb_frames()
    {
        var info = VideoReader.Default.Probe(videos.Avi100);
        Assert.Equal((GeneratedVideos.Width, GeneratedVideos.Height, 100, "ffv1"), (info.Width, info.Height, info.FrameCount, info.Codec));
        Assert.Equal(25.0, info.FramesPerSecond);
        Assert.Equal(4.0, info.DurationSeconds, 2);
    }

    [Fact]
    public void Probe_counts_frames_when_the_container_has_no_nb_frames()
    {
        var info = VideoReader.Default.Probe(videos.Mkv100);
        Assert.Equal(100, info.FrameCount);
        Assert.Equal(4.0, info.DurationSeconds, 2);
    }

    [Fact]
    public void Uniform_sampling_returns_the_linspace_frames_in_order()
    {
        // np.linspace(0, 99, 32, dtype=int), computed by hand in FrameSamplingTests.
        int[] expected = [0, 3, 6, 9, 12, 15, 19, 22, 25, 28, 31, 35, 38, 41, 44, 47, 51, 54, 57, 60, 63, 67, 70, 73, 76, 79, 83, 86, 89, 92, 95, 99];
        var frames = VideoReader.Default.SampleUniform(videos.Mkv100).ToList();
        Assert.Equal(expected, frames.Select(f => f.Index));
        Assert.Equal(expected, frames.Select(f => IndexEncodedIn(f.Image)));
    }

    [Fact]
    public void Repeated_indices_repeat_the_frame()
    {
        var frames = VideoReader.Default.SampleUniform(videos.Mkv3, 5).ToList();
        Assert.Equal([0, 0, 1, 1, 2], frames.Select(f => IndexEncodedIn(f.Image)));
    }

    [Fact]
    public void Explicit_indices_from_a_file_with_nb_frames()
    {
        var reader = VideoReader.Default;
        var frames = reader.ReadFrames(reader.Probe(videos.Avi100), [5, 50, 98]).ToList();
        Assert.Equal([5, 50, 98], frames.Select(f => IndexEncodedIn(f.Image)));
    }

    [Fact]
    public void Stopping_early_ends_the_ffmpeg_process_cleanly()
    {
        var first = VideoReader.Default.SampleUniform(videos.Mkv100).Take(2).ToList();
        Assert.Equal([0, 3], first.Select(f => IndexEncodedIn(f.Image)));
    }

    [Fact]
    public void Indices_past_the_end_name_the_file()
    {
        var reader = VideoReader.Default;
        var info = reader.Probe(videos.Mkv3);
        var e = Assert.Throws<MediaException>(() => reader.ReadFrames(info, [1, 7]).ToList());
        Assert.Contains(videos.Mkv3, e.Message, StringComparison.Ordinal);
        Assert.Equal(videos.Mkv3, e.MediaPath);
    }

    [Fact]
    public void File_names_that_look_like_options_or_protocols_are_files()
    {
        var odd = Path.Combine(videos.Folder, "-odd:name.avi");
        File.Copy(videos.Avi100, odd, overwrite: true);
        var reader = VideoReader.Default;
        var frames = reader.ReadFrames(reader.Probe(odd), [42]).ToList();
        Assert.Equal([42], frames.Select(f => IndexEncodedIn(f.Image)));
    }

    [Fact]
    public void Missing_video_names_the_file()
    {
        var path = Path.Combine(videos.Folder, "nope.mp4");
        var e = Assert.Throws<MediaException>(() => VideoReader.Default.SampleUniform(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_video_names_the_file()
    {
        var e = Assert.Throws<MediaException>(() => VideoReader.Default.SampleUniform(videos.Garbage));
        Assert.Contains(videos.Garbage, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_ffmpeg_names_the_Debian_package()
    {
        var absent = new ExternalTool("ffprobe", "ffmpeg", Path.Combine(videos.Folder, "no-such-ffprobe"));
        var reader = new VideoReader(new ExternalTool("ffmpeg", "ffmpeg", Path.Combine(videos.Folder, "no-such-ffmpeg")), absent);
        var e = Assert.Throws<MediaException>(() => reader.Probe(videos.Mkv100));
        Assert.Equal("ffmpeg", e.MissingPackage);
        Assert.Contains("Debian package ffmpeg", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads back n from a frame coloured (2n, n, 255 - 2n), checking every pixel carries it.</summary>
    private static int IndexEncodedIn(RgbImage image)
    {
        var n = image.Pixels[1];
        var (r, g, b) = GeneratedVideos.ColourOfFrame(n);
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.Equal((r, g, b), (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]));
        }

        return n;
    }
}
