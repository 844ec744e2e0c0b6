using LLaDAV.Eval.Media.Video;

namespace LLaDAV.Eval.Media.Tests.Video;

/// <summary>
/// <c>np.linspace(0, total - 1, n, dtype=int)</c>, expected values worked out by hand: value i is
/// floor(i · (total - 1) / (n - 1)), the last one pinned to total - 1.
/// </summary>
public sealed class FrameSamplingTests
{
    [Fact]
    public void Hundred_frames_to_32_uses_step_99_over_31()
    {
        // 99/31 = 3.19354838...; e.g. i=10 → 31.935 → 31, i=16 → 51.097 → 51, i=21 → 67.065 → 67, i=31 → 99.
        int[] expected = [0, 3, 6, 9, 12, 15, 19, 22, 25, 28, 31, 35, 38, 41, 44, 47, 51, 54, 57, 60, 63, 67, 70, 73, 76, 79, 83, 86, 89, 92, 95, 99];
        Assert.Equal(expected, FrameSampling.UniformIndices(100, 32));
    }

    [Fact]
    public void Default_count_is_32() => Assert.Equal(32, FrameSampling.UniformIndices(1000).Length);

    [Theory]
    [InlineData(10, 4, new[] { 0, 3, 6, 9 })]          // step 3
    [InlineData(3, 5, new[] { 0, 0, 1, 1, 2 })]        // step 0.5: fewer frames than samples repeat
    [InlineData(1, 3, new[] { 0, 0, 0 })]              // step 0
    [InlineData(7, 1, new[] { 0 })]                    // a single sample is the first frame
    [InlineData(50, 8, new[] { 0, 7, 14, 21, 28, 35, 42, 49 })]
    [InlineData(11, 4, new[] { 0, 3, 6, 10 })]         // step 10/3: 3.33 → 3, 6.67 → 6
    public void Matches_numpy_linspace_truncation(int total, int count, int[] expected) =>
        Assert.Equal(expected, FrameSampling.UniformIndices(total, count));
}
