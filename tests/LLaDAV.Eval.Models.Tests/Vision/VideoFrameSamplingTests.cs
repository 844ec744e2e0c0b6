using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

public sealed class VideoFrameSamplingTests
{
    [Fact]
    public void Evenly_divisible_spans_hit_exact_frames()
    {
        // linspace(0, 9, 4) = 0, 3, 6, 9.
        Assert.Equal([0, 3, 6, 9], VideoFrameSampling.UniformIndices(10, 4));
    }

    [Fact]
    public void Fractional_positions_truncate_and_the_last_frame_is_the_endpoint()
    {
        // linspace(0, 99, 32): step 99/31 = 3.1935..., so 0, 3, 6.387 -> 6, 9.58 -> 9, ..., 30·3.1935 = 95.8 -> 95, 99.
        var idx = VideoFrameSampling.UniformIndices(100);
        Assert.Equal(32, idx.Length);
        Assert.Equal([0, 3, 6, 9], idx[..4]);
        Assert.Equal(95, idx[30]);
        Assert.Equal(99, idx[31]);
    }

    [Fact]
    public void Short_videos_repeat_frames()
    {
        // linspace(0, 2, 5) = 0, 0.5, 1, 1.5, 2.
        Assert.Equal([0, 0, 1, 1, 2], VideoFrameSampling.UniformIndices(3, 5));
        Assert.Equal([0, 0, 0], VideoFrameSampling.UniformIndices(1, 3));
    }
}
