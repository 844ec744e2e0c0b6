using LLaDAV.Eval.Models.Sampling;

namespace LLaDAV.Eval.Models.Tests.Sampling;

/// <summary>The §6/§8 rules on hand-built logits; expected values worked out by hand in the comments.</summary>
public sealed class DiffusionSamplerTests
{
    private const int Vocab = 5;
    private const int Mask = 4;

    private static DiffusionOptions Options(int gen, int steps, int block) =>
        new() { GenLength = gen, Steps = steps, BlockLength = block, MaskId = Mask };

    [Theory]
    [InlineData(10, 4, new[] { 3, 3, 2, 2 })]
    [InlineData(16, 16, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(4, 3, new[] { 2, 1, 1 })]
    [InlineData(32, 16, new[] { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 })]
    public void Transfer_counts_give_the_remainder_to_the_first_steps(int n, int steps, int[] expected) =>
        Assert.Equal(expected, TransferSchedule.Counts(n, steps));

    [Theory]
    // f = 1: thresholds −1, 1−1/3 = 0.667, 1−1/4 = 0.75, 1−1/5 = 0.8
    [InlineData(new[] { 0.9, 0.7, 0.5, 0.3 }, 2)] // 0.5 < 0.75 fails at the 3rd of 4 → commit 2
    [InlineData(new[] { 0.95, 0.6, 0.9 }, 1)]     // 0.6 < 0.667 fails at the 2nd of 3 → commit 1
    [InlineData(new[] { 0.9, 0.8, 0.76, 0.81 }, 4)] // no failure → all
    [InlineData(new[] { 0.9, 0.5 }, 2)]           // first failure is the last candidate → all (upstream off-by-one)
    [InlineData(new[] { 0.2 }, 1)]
    public void Factor_rule_commits_up_to_the_first_failure(double[] sorted, int expected) =>
        Assert.Equal(expected, TransferSchedule.FactorCount(sorted, 1.0));

    [Theory]
    [InlineData(new[] { 0.95, 0.92, 0.5 }, 0.9, 2)]
    [InlineData(new[] { 0.3, 0.2 }, 0.9, 1)] // the top-1 is always committed
    [InlineData(new[] { 0.99, 0.9, 0.9 }, 0.9, 3)] // ≥ τ
    public void Threshold_rule_keeps_the_top_one_and_everything_above_tau(double[] sorted, double tau, int expected) =>
        Assert.Equal(expected, TransferSchedule.ThresholdCount(sorted, tau));

    [Fact]
    public void Greedy_scoring_excludes_forbidden_ids_breaks_ties_low_and_sums_the_softmax_in_fp64()
    {
        // row [1, 3, 3, 2]: argmax 1 (tie with 2 → lower index), p = e^0 / (e^-2 + e^0 + e^0 + e^-1)
        // with id 1 forbidden: argmax 2, p = e^0 / (e^-2 + e^0 + e^-1)
        using var cpu = new LLaDAV.Eval.Models.Tensors.Cpu.CpuBackend();
        using var logits = cpu.Upload([1f, 3f, 3f, 2f, 1f, 3f, 3f, 2f], new LLaDAV.Eval.Models.Tensors.TensorShape(2, 4));
        var (ids, confidence) = (new int[1], new double[1]);
        cpu.ScoreRows(logits.Rows(0, 1), [], ids, confidence);
        Assert.Equal(1, ids[0]);
        Assert.Equal(1 / (Math.Exp(-2) + 2 + Math.Exp(-1)), confidence[0], 15);
        cpu.ScoreRows(logits.Rows(1, 1), [1], ids, confidence);
        Assert.Equal(2, ids[0]);
        Assert.Equal(1 / (Math.Exp(-2) + 1 + Math.Exp(-1)), confidence[0], 15);
    }

    [Theory]
    [InlineData(0.0, Remasking.LowConfidence, 0.0, true)]
    [InlineData(0.5, Remasking.LowConfidence, 0.0, false)] // Gumbel noise needs the whole row
    [InlineData(0.0, Remasking.Random, 0.0, false)]
    [InlineData(0.0, Remasking.LowConfidence, 1.0, false)] // CFG mixes two rows of logits first
    public void Only_greedy_low_confidence_steps_ask_the_denoiser_for_scores_instead_of_logits(double temperature, Remasking remasking, double cfg, bool scored)
    {
        var model = new ScriptedDenoiser(3, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, 1 + pos));
        var result = DiffusionSampler.Generate(model, Options(4, 4, 4) with { Temperature = temperature, Remasking = remasking, CfgScale = cfg }, 0);
        Assert.Equal(scored ? 4 : 0, model.ScoredCalls);
        Assert.Equal(4, result.Ids.Length);
    }

    [Fact]
    public void Blocks_are_filled_left_to_right_in_confidence_order()
    {
        // gen 6, block 3, steps 4 → 2 blocks × 2 steps, counts(3, 2) = [2, 1].
        // peak heights per position: 2, 1, 3 | 5, 0.5, 4 — position 3 is the most confident overall but is in block 1.
        float[] h = [2, 1, 3, 5, 0.5f, 4];
        var model = new ScriptedDenoiser(7, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, h[pos]));
        var result = DiffusionSampler.Generate(model, Options(6, 4, 3), 0);
        Assert.Equal([[0, 2], [1], [3, 5], [4]], result.Trace.Select(s => s.Positions.ToArray()));
        Assert.Equal([0, 1, 2, 3, 0, 1], result.Ids.ToArray());
        Assert.Equal(4, result.ForwardPasses);
        Assert.Equal(new[] { (7, 0), (9, 2), (8, 1), (10, 3), (12, 1), (11, 0) }, model.Commits);
        // without a cache every forward is a full pass; logits are asked for the current block only
        Assert.All(model.Calls, c => Assert.Equal(DenoiserPass.Full, c.Pass));
        Assert.Equal((7, 10), (model.Calls[0].LogitFrom, model.Calls[0].LogitTo));
        Assert.Equal((10, 13), (model.Calls[2].LogitFrom, model.Calls[2].LogitTo));
    }

    [Fact]
    public void Forbidden_ids_stop_sequences_and_truncation_follow_llada_v()
    {
        // pos0 peak id 0 h=2 (conf e²/(e²+4) = 0.649); pos1 peak id 2 h=3 (0.834); pos2 id 1 h=1 (0.405);
        // pos3 peak at the forbidden id 3 h=5 → −∞, argmax falls to id 0 (first of equal zeros), conf 1/4.
        float[][] rows = [ScriptedDenoiser.Peak(Vocab, 0, 2), ScriptedDenoiser.Peak(Vocab, 2, 3), ScriptedDenoiser.Peak(Vocab, 1, 1), ScriptedDenoiser.Peak(Vocab, 3, 5)];
        var model = new ScriptedDenoiser(3, Vocab, (pos, _) => (float[])rows[pos].Clone());
        var options = Options(4, 4, 4) with { ForbiddenIds = [3], StopSequences = [[2]] };
        var result = DiffusionSampler.Generate(model, options, 0);
        // step 0 commits pos1 = 2 (the stop) → stop at 1; step 1 candidates end at the stop: pos0 = 0;
        // step 2 finds [P, stop) decoded and ends the generation; output truncated before the stop.
        Assert.Equal([[1], [0]], result.Trace.Select(s => s.Positions.ToArray()));
        Assert.Equal([2], result.Trace[0].Ids.ToArray());
        Assert.Equal([0], result.Ids.ToArray());
        Assert.True(result.Stopped);
        Assert.Equal(2, result.ForwardPasses);
    }

    [Fact]
    public void Stop_sequences_are_searched_in_list_order_and_may_span_tokens()
    {
        // every position's argmax is its own index mod 4: ids 0,1,2,3,0,1. Stops [[2,3]] then [[1]]:
        // the first listed sequence that occurs wins even though [1] occurs earlier.
        float[] h = [6, 5, 4, 3, 2, 1];
        var model = new ScriptedDenoiser(1, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, h[pos]));
        // one step commits all six at once, so both stops are present when the scan runs
        var options = Options(6, 1, 6) with { StopSequences = [[2, 3], [1]] };
        var result = DiffusionSampler.Generate(model, options, 0);
        Assert.Equal([0, 1], result.Ids.ToArray());
        Assert.Single(result.Trace);
    }

    [Fact]
    public void Threshold_decoding_runs_until_the_block_is_full()
    {
        // confidences: pos0 0.649, pos1 0.834, pos2 0.405, pos3 e^0/(5) = 0.2 (flat row)
        float[] h = [2, 3, 1, 0];
        var model = new ScriptedDenoiser(2, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, h[pos]));
        var result = DiffusionSampler.Generate(model, Options(4, 4, 4) with { Threshold = 0.6 }, 0);
        // step 0: top-1 pos1 plus pos0 (0.649 ≥ 0.6); step 1: only the top-1 pos2; step 2: pos3.
        Assert.Equal([[0, 1], [2], [3]], result.Trace.Select(s => s.Positions.ToArray()));
        Assert.Equal(3, result.ForwardPasses);
    }

    [Fact]
    public void Factor_decoding_uses_the_factor_thresholds()
    {
        // confidences sorted: 0.834 (pos1), 0.649 (pos0), 0.405, 0.2 → f = 1: 0.649 < 0.667 fails at the 2nd → 1.
        float[] h = [2, 3, 1, 0];
        var model = new ScriptedDenoiser(2, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, h[pos]));
        var result = DiffusionSampler.Generate(model, Options(4, 4, 4) with { Factor = 1.0 }, 0);
        Assert.Equal([1], result.Trace[0].Positions.ToArray());
    }

    [Fact]
    public void Prefix_and_dual_caches_plan_refreshes_and_windows()
    {
        float[] h = [1, 2, 3, 4, 5, 6, 7, 8];
        // prefix cache, r = 2, gen 8, one block of 8, 4 steps: refresh at steps 0 and 2, windows x[block_start:] else
        var prefix = new ScriptedDenoiser(10, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, 0, h[pos]));
        DiffusionSampler.Generate(prefix, Options(8, 4, 8) with { Cache = CacheMode.Prefix, RefreshInterval = 2 }, 0);
        Assert.Equal(
            [DenoiserPass.Refresh, DenoiserPass.Window, DenoiserPass.Refresh, DenoiserPass.Window],
            prefix.Calls.Select(c => c.Pass));
        Assert.Equal((10, 18), (prefix.Calls[1].WindowStart, prefix.Calls[1].WindowEnd));

        // dual cache, 2 blocks of 4, 2 steps each, no r: refresh at each block start, window = the block only
        var dual = new ScriptedDenoiser(10, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, 0, h[pos]));
        DiffusionSampler.Generate(dual, Options(8, 4, 4) with { Cache = CacheMode.Dual }, 0);
        Assert.Equal(
            [DenoiserPass.Refresh, DenoiserPass.Window, DenoiserPass.Refresh, DenoiserPass.Window],
            dual.Calls.Select(c => c.Pass));
        Assert.Equal((14, 18), (dual.Calls[3].WindowStart, dual.Calls[3].WindowEnd));
    }

    [Fact]
    public void Cfg_combines_conditional_and_unconditional_logits()
    {
        // cond [1, 1.5, 0, 0, 0], uncond [0, 2, 0, 0, 0], cfg 1 → un + 2·(cond − un) = [2, 1, 0, 0, 0] → id 0
        var model = new ScriptedDenoiser(2, Vocab, (_, un) => un ? [0f, 2, 0, 0, 0] : [1f, 1.5f, 0, 0, 0]);
        var result = DiffusionSampler.Generate(model, Options(1, 1, 1) with { CfgScale = 1 }, 0);
        Assert.Equal([0], result.Ids.ToArray());
        Assert.Equal(2, result.ForwardPasses);
        Assert.Equal([false, true], model.Calls.Select(c => c.Unconditional));
    }

    [Fact]
    public void Random_remasking_and_temperature_are_reproducible_from_the_seed()
    {
        var r = new Random(7);
        var table = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, Vocab).Select(_ => (float)r.NextDouble()).ToArray()).ToArray();
        DiffusionResult Run(ulong seed) => DiffusionSampler.Generate(
            new ScriptedDenoiser(1, Vocab, (pos, _) => (float[])table[pos].Clone()),
            Options(8, 8, 8) with { Remasking = Remasking.Random, Temperature = 1.0 },
            seed);
        var a = Run(42);
        var b = Run(42);
        Assert.Equal(a.Ids, b.Ids.ToArray());
        Assert.Equal(a.Trace.Select(s => s.Positions[0]), b.Trace.Select(s => s.Positions[0]));
        Assert.Equal(8, a.Ids.Length);
    }

    [Fact]
    public void A_cancelled_generation_stops_before_its_next_forward_and_returns_nothing()
    {
        // Gen 8, steps 8, one block: one token committed per step, so an uncancelled run makes 8 forward rounds (the
        // schedule of Transfer_counts_give_the_remainder_to_the_first_steps with n = steps). Cancelling inside round 3
        // (what a SIGTERM during that forward does) must end the generation before round 4, not after round 8.
        var model = new ScriptedDenoiser(2, Vocab, (pos, _) => ScriptedDenoiser.Peak(Vocab, pos % 4, 1 + pos));
        var rounds = 0;
        Assert.Equal(8, DiffusionSampler.GenerateBatch([new DiffusionJob(model, Options(8, 8, 8), 0)], work =>
        {
            rounds++;
            DiffusionSampler.ForwardOneByOne(work);
        }, TestContext.Current.CancellationToken)[0].Ids.Length);
        Assert.Equal(8, rounds);

        using var cancel = new CancellationTokenSource();
        rounds = 0;
        Assert.Throws<OperationCanceledException>(() => DiffusionSampler.GenerateBatch([new DiffusionJob(model, Options(8, 8, 8), 0)], work =>
        {
            if (++rounds == 3)
            {
                cancel.Cancel();
            }

            DiffusionSampler.ForwardOneByOne(work);
        }, cancel.Token));
        Assert.Equal(3, rounds);

        // Already cancelled: no forward at all.
        rounds = 0;
        Assert.Throws<OperationCanceledException>(() => DiffusionSampler.GenerateBatch([new DiffusionJob(model, Options(8, 8, 8), 0)], _ => rounds++, cancel.Token));
        Assert.Equal(0, rounds);
    }

    [Fact]
    public void Invalid_schedules_are_rejected()
    {
        var model = new ScriptedDenoiser(1, Vocab, (_, _) => new float[Vocab]);
        Assert.Throws<ArgumentException>(() => DiffusionSampler.Generate(model, Options(10, 4, 4), 0));
        Assert.Throws<ArgumentException>(() => DiffusionSampler.Generate(model, Options(8, 3, 4), 0));
    }

    [Fact]
    public void SplitMix64_matches_the_published_sequence()
    {
        // Reference outputs of splitmix64 seeded with 1234567 (Vigna's splitmix64.c test vector).
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.NextUInt64());
        Assert.Equal(3203168211198807973UL, rng.NextUInt64());
    }
}
