using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Media.Tests.Video;

public sealed class VideoFrameCacheTests(GeneratedVideos videos) : IClassFixture<GeneratedVideos>
{
    // One frame of the generated videos: 32 × 16 × 3 bytes.
    private const long FrameBytes = GeneratedVideos.Width * GeneratedVideos.Height * 3;

    [Fact]
    public void Questions_sharing_a_video_decode_it_once()
    {
        var reader = new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe);
        var cache = new VideoFrameCache(reader, VideoFrameCache.DefaultMaxBytes);
        var first = cache.SampleUniform(videos.Mkv100, 8);
        var again = cache.SampleUniform(videos.Mkv100, 8);
        Assert.Same(first, again);
        Assert.Equal((1L, 1L, 1L), (cache.Decodes, cache.Hits, reader.Decodes));
        Assert.Equal(8 * FrameBytes, cache.Bytes);

        // another frame count is another sample
        _ = cache.SampleUniform(videos.Mkv100, 4);
        Assert.Equal(2, cache.Decodes);
    }

    [Fact]
    public void The_least_recently_used_video_leaves_first_when_the_bound_is_reached()
    {
        var reader = new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe);
        // room for 12 frames: two 5-frame samples fit, a third evicts the least recently used
        var cache = new VideoFrameCache(reader, 12 * FrameBytes);
        _ = cache.SampleUniform(videos.Mkv100, 5);
        _ = cache.SampleUniform(videos.Avi100, 5);
        _ = cache.SampleUniform(videos.Mkv100, 5); // Mkv100 is now the most recent
        _ = cache.SampleUniform(videos.Mkv3, 5);   // 3 distinct frames (repeats share one image): 13 frames > 12, Avi100 leaves
        Assert.Equal(3, cache.Decodes);
        Assert.Equal(8 * FrameBytes, cache.Bytes);
        _ = cache.SampleUniform(videos.Mkv100, 5);
        Assert.Equal(3, cache.Decodes);
        _ = cache.SampleUniform(videos.Avi100, 5);
        Assert.Equal(4, cache.Decodes);
    }

    [Fact]
    public void A_failed_decode_is_not_kept_and_fails_again_for_the_next_question()
    {
        var cache = new VideoFrameCache(new VideoReader(ExternalTool.Ffmpeg, ExternalTool.Ffprobe), VideoFrameCache.DefaultMaxBytes);
        Assert.Throws<MediaException>(() => cache.SampleUniform(videos.Garbage, 4));
        var e = Assert.Throws<MediaException>(() => cache.SampleUniform(videos.Garbage, 4));
        Assert.Equal(videos.Garbage, e.MediaPath);
        Assert.Equal(2, cache.Decodes);
        Assert.Equal(0, cache.Bytes);
    }
}
