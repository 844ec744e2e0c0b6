using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>Ticks, labels, frontier and metadata parsing, against values worked out by hand.</summary>
public sealed class PlotPrimitivesTests
{
    [Fact]
    public void Should_pick_1_2_5_steps_that_cover_the_data()
    {
        // Range 41.3..78.9: nice range 50 → step NiceNumber(10, round) = 10 → 40..80.
        var t = NiceTicks.Linear(41.3, 78.9);
        Assert.Equal([40.0, 50, 60, 70, 80], t.Values.ToArray());
        Assert.Equal(0, t.Decimals);

        // Range 0..0.37 → nice range 0.5, step 0.1.
        var f = NiceTicks.Linear(0, 0.37);
        Assert.Equal([0.0, 0.1, 0.2, 0.3, 0.4], f.Values.ToArray());
        Assert.Equal(1, f.Decimals);
    }

    [Fact]
    public void Should_widen_a_flat_series()
    {
        var t = NiceTicks.Linear(60, 60);
        Assert.True(t.Min < 60 && t.Max > 60);
    }

    [Fact]
    public void Should_put_log_ticks_at_1_2_5_per_decade()
    {
        var t = NiceTicks.Log10(1e6, 9e6);
        Assert.Equal([1e6, 2e6, 5e6, 1e7], t.Values.ToArray());
        var wide = NiceTicks.Log10(1e3, 1e8);
        Assert.Equal([1e3, 1e4, 1e5, 1e6, 1e7, 1e8], wide.Values.ToArray());
    }

    [Theory]
    [InlineData(3e6, "3M")]
    [InlineData(558e3, "558K")]
    [InlineData(1.5e9, "1.5B")]
    [InlineData(250, "250")]
    public void Should_write_counts_with_suffixes(double value, string expected) => Assert.Equal(expected, TickLabels.Count(value));

    [Theory]
    [InlineData("3M", 3e6)]
    [InlineData("558K", 558e3)]
    [InlineData("1.5b", 1.5e9)]
    [InlineData("9000000", 9e6)]
    [InlineData("10_000", 1e4)]
    public void Should_parse_sample_counts_with_suffixes(string text, double expected) => Assert.Equal(expected, RunMetadata.ParseCount(text));

    [Fact]
    public void Should_reject_a_count_it_cannot_read() =>
        Assert.Contains("train_samples=3M", Assert.Throws<DataException>(() => RunMetadata.ParseCount("lots")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("lladav", "LLaDA-V")]
    [InlineData("llada-v-8b", "LLaDA-V")]
    [InlineData("llama3v", "LLaMA3-V")]
    [InlineData("replay", "replay")]
    public void Should_derive_the_family_from_the_model_name(string model, string family) => Assert.Equal(family, RunMetadata.FamilyOfModel(model));

    [Fact]
    public void Should_keep_only_undominated_points_on_the_frontier()
    {
        // The paper's Table 8: r=32 (34.2, 56.6) is beaten by r=48 (35.5, 56.8); r=2 (10.6, 59.1) ties r=4 on
        // accuracy at lower throughput, so it is dominated too.
        PlotPoint[] table8 = [new(10.6, 59.1), new(16.9, 59.1), new(24.0, 58.2), new(29.8, 57.0), new(34.2, 56.6), new(35.5, 56.8)];
        var frontier = Pareto.Frontier(table8);
        Assert.Equal([16.9, 24.0, 29.8, 35.5], frontier.Select(p => p.X));
    }
}
