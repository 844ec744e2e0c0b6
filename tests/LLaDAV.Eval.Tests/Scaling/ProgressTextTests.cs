using System.Collections.Immutable;
using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Tests.Scaling;

/// <summary>Issue 26: launch's progress line gives no ETA for a task with no doc done, and every ETA has one format.</summary>
public sealed class ProgressTextTests
{
    [Theory]
    [InlineData(0.0, "0:00")]
    [InlineData(59.4, "0:59")]
    [InlineData(61.0, "1:01")]
    [InlineData(3599.0, "59:59")]
    [InlineData(3600.0, "1:00:00")]
    [InlineData(36_061.0, "10:01:01")]
    [InlineData(double.NaN, "-")]
    [InlineData(double.PositiveInfinity, "-")]
    public void Should_write_a_remaining_time_as_m_ss_or_h_mm_ss(double seconds, string expected) =>
        Assert.Equal(expected, EtaText.Format(seconds));

    [Fact]
    public void Should_write_no_time_before_anything_finished() => Assert.Equal("-", EtaText.Format(null));

    [Fact]
    public void Should_give_no_eta_for_a_task_with_no_doc_done()
    {
        TaskWork[] work = [new("mmmu_val", 10, 1), new("mmstar", 6, 1)];
        var request = new LaunchRequest(Path.GetTempPath(), ShardPlanner.ForCount(work, 1), work, [], 1, [], [], 0, TimeSpan.FromSeconds(1));
        var launcher = new ShardLauncher(request, TextWriter.Null);

        // mmmu_val: 4 of 10 done in 8 model seconds (2 s/doc) → 6 left → 12 s; mmstar has not started.
        var line = launcher.FormatProgress([new TaskProgress("mmmu_val", 4, 10, 100, 8), new TaskProgress("mmstar", 0, 6, 0, 0)]);
        Assert.Contains("mmmu_val 4/10 ETA 0:12, mmstar 0/6 |", line, StringComparison.Ordinal);
    }
}
