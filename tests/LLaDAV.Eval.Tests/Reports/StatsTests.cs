using LLaDAV.Eval.Reports.Stats;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>Statistical routines against values worked out by hand from their textbook definitions.</summary>
public sealed class StatsTests
{
    [Fact]
    public void Should_give_the_exact_McNemar_p_for_one_against_nine()
    {
        // p = 2·(C(10,0) + C(10,1))/2^10 = 2·11/1024 = 22/1024.
        Assert.Equal(22.0 / 1024.0, McNemar.ExactPValue(1, 9), 14);
        Assert.Equal(0.021484375, McNemar.ExactPValue(9, 1), 14);
    }

    [Theory]
    [InlineData(3, 0, 0.25)] // 2·(1/8)
    [InlineData(0, 0, 1.0)] // no discordant pair: no evidence
    [InlineData(5, 5, 1.0)] // 2·P(X≤5 | n=10) = 2·638/1024 > 1, capped
    [InlineData(0, 6, 0.03125)] // 2/64
    [InlineData(2, 8, 0.109375)] // 2·(1 + 10 + 45)/1024 = 112/1024
    public void Should_match_hand_computed_McNemar_p_values(int b, int c, double expected) =>
        Assert.Equal(expected, McNemar.ExactPValue(b, c), 14);

    [Fact]
    public void Should_not_underflow_for_many_discordant_pairs()
    {
        // n = 2000, symmetric: P(X ≤ 1000) = 1/2 + P(X = 1000)/2, so p = 1 after the cap; a lopsided split is tiny but positive.
        Assert.Equal(1.0, McNemar.ExactPValue(1000, 1000), 12);
        var p = McNemar.ExactPValue(900, 1100);
        Assert.InRange(p, 1e-7, 1e-4);
    }

    [Fact]
    public void Should_give_a_degenerate_interval_when_every_pair_differs_equally()
    {
        var boot = PairedBootstrap.Run([0, 0, 0, 0], [100, 100, 100, 100], 2000, 7, 0.95);
        Assert.Equal(100, boot.Delta);
        Assert.Equal(100, boot.Lower);
        Assert.Equal(100, boot.Upper);
        Assert.Equal(0, boot.PValue);
        Assert.Equal(2000, boot.Iterations);
    }

    [Fact]
    public void Should_contain_the_observed_delta_and_stay_within_the_possible_range()
    {
        // Differences are -1, 0 or +1 per pair; the mean of any resample lies in [-1, 1].
        double[] a = [1, 1, 0, 1, 0, 1, 1, 0, 1, 1];
        double[] b = [1, 0, 0, 1, 1, 0, 1, 0, 0, 1];
        var boot = PairedBootstrap.Run(a, b, 5000, 42, 0.95);
        Assert.Equal(-0.2, boot.Delta, 12);
        Assert.True(boot.Lower <= boot.Delta && boot.Delta <= boot.Upper, $"[{boot.Lower}, {boot.Upper}]");
        Assert.InRange(boot.Lower, -1, 0);
        Assert.InRange(boot.Upper, -0.2, 1);
        Assert.Equal(boot, PairedBootstrap.Run(a, b, 5000, 42, 0.95));
    }

    [Fact]
    public void Should_cover_the_true_difference_about_as_often_as_promised()
    {
        // 200 simulated paired data sets with a known mean difference of 0.2; a 90% interval should cover it
        // roughly 90% of the time (binomial sd ≈ 2.1 points; the percentile bootstrap under-covers a little at n=60).
        var rng = new Random(2024);
        var covered = 0;
        const int trials = 200;
        for (var t = 0; t < trials; t++)
        {
            var x = new double[60];
            var y = new double[60];
            for (var i = 0; i < 60; i++)
            {
                x[i] = rng.NextDouble() < 0.5 ? 1 : 0;
                y[i] = rng.NextDouble() < 0.7 ? 1 : 0;
            }

            var boot = PairedBootstrap.Run(x, y, 400, t, 0.90);
            covered += boot.Lower <= 0.2 && 0.2 <= boot.Upper ? 1 : 0;
        }

        Assert.InRange(covered / (double)trials, 0.80, 0.97);
    }

    [Fact]
    public void Should_interpolate_percentiles_like_numpy()
    {
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75 (linear, type 7).
        Assert.Equal(1.75, PairedBootstrap.Percentile([1.0, 2, 3, 4], 0.25), 12);
        Assert.Equal(4, PairedBootstrap.Percentile([1.0, 2, 3, 4], 1.0), 12);
    }

    [Fact]
    public void Should_give_Clopper_Pearson_bounds_from_their_closed_forms_and_R()
    {
        // x = 0 of n: upper = 1 − (α/2)^(1/n); x = n: lower = (α/2)^(1/n) (Clopper & Pearson 1934).
        var (lo, hi) = ExactPairedInterval.ClopperPearson(0, 3, 0.95);
        Assert.Equal(0, lo);
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 3), hi, 12);
        (lo, hi) = ExactPairedInterval.ClopperPearson(3, 3, 0.95);
        Assert.Equal(Math.Pow(0.025, 1.0 / 3), lo, 10);
        Assert.Equal(1, hi);

        // R: binom.test(3, 10)$conf.int = 0.06673951 0.65245285.
        (lo, hi) = ExactPairedInterval.ClopperPearson(3, 10, 0.95);
        Assert.InRange(lo, 0.06673951 - 5e-9, 0.06673951 + 5e-9);
        Assert.InRange(hi, 0.65245285 - 5e-9, 0.65245285 + 5e-9);
    }

    [Fact]
    public void Should_make_the_exact_interval_exclude_zero_exactly_when_McNemar_rejects()
    {
        // Issue 26: one row printed CI [-83.33, -16.67] beside p = 0.25 and "no significant change".
        foreach (var level in new[] { 0.5, 0.7, 0.9, 0.95, 0.975, 0.99 })
        {
            for (var b = 0; b <= 25; b++)
            {
                for (var c = 0; c <= 25; c++)
                {
                    var (lo, hi) = ExactPairedInterval.Delta(b, c, b + c + 7, level);
                    var rejects = McNemar.ExactPValue(b, c) < 1 - level;
                    Assert.True(rejects == (lo > 0 || hi < 0), $"b={b} c={c} level={level}: p={McNemar.ExactPValue(b, c)}, interval [{lo}, {hi}]");
                    Assert.InRange((double)(c - b) / (b + c + 7), lo - 1e-12, hi + 1e-12);
                }
            }
        }
    }

    [Fact]
    public void Should_make_the_bootstrap_interval_exclude_zero_exactly_when_its_p_is_below_the_level()
    {
        var rng = new Random(26);
        for (var trial = 0; trial < 300; trial++)
        {
            var n = 5 + rng.Next(40);
            var shift = rng.NextDouble() * 0.6 - 0.3;
            var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var y = x.Select(v => v + shift + ((rng.NextDouble() - 0.5) * 0.8)).ToArray();
            var level = new[] { 0.9, 0.95, 0.975, 0.99 }[trial % 4];
            var boot = PairedBootstrap.Run(x, y, 400 + (trial % 7), trial, level);
            // p = 2·min(#≤0, #≥0)/B is a multiple of 2/B; at p exactly 1 − level the test does not reject (1 − 0.99 is
            // 0.010000000000000009 in floating point, hence the margin far below 2/B).
            Assert.True((boot.PValue < 1 - level - 1e-12) == (boot.Lower > 0 || boot.Upper < 0), $"trial {trial}: p={boot.PValue}, [{boot.Lower}, {boot.Upper}] at {level}");
        }
    }
}
