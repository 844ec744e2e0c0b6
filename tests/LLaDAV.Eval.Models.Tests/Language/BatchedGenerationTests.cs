using System.Collections.Immutable;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Bench;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tensors.Cuda.Selftest;
using LLaDAV.Eval.Models.Tests.Tensors;
using LLaDAV.Eval.Models.Vision;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Language;

/// <summary>
/// Batching (several documents per forward pass) must not change any document's output. The reference checkpoints'
/// recorded generations are the independent oracle: all of them sampled together in one batch must still give the
/// recorded traces and ids. Random models (flat distributions, many near-ties, so a single flipped bit shows) check
/// that batched forwards and batched sampling equal one sequence at a time bit for bit, with both CPU GEMMs: the
/// managed one is row-invariant and packs the batch into one GEMM, OpenBLAS is not and runs one GEMM per sequence.
/// </summary>
public sealed class BatchedGenerationTests
{
    private static readonly Lazy<RgbImage> Image = new(() => ImageDecoder.DecodeFile(TestPaths.InTestData("model-reference", "image.png")));

    private static Tensor ReferencePrompt(string dir, CpuBackend backend, Checkpoint checkpoint, LanguageModel lm)
    {
        var reference = ReferenceFiles.Reference(dir);
        using var stack = LlavaVisionStack.Load(backend, LlavaVisionConfig.FromFile(Path.Combine(dir, "config.json")), new CheckpointVisionWeights(checkpoint, backend));
        using var features = stack.EncodeImage(Image.Value);
        return PromptEmbedder.Build(lm, ReferenceFiles.Ints(reference.GetProperty("prompt_ids_with_image_placeholder")), [features]);
    }

    [Theory]
    [MemberData(nameof(CpuBackendTests.Gemms), MemberType = typeof(CpuBackendTests))]
    public void Every_reference_generation_sampled_in_one_batch_gives_the_recorded_trace_and_ids(CpuGemmKind gemm)
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.LladaV);
        using var backend = new CpuBackend(gemm);
        using var checkpoint = Checkpoint.Open(ReferenceFiles.LladaV);
        using var lm = LanguageModel.Load(checkpoint, backend);
        using var prompt = ReferencePrompt(ReferenceFiles.LladaV, backend, checkpoint, lm);
        var generations = reference.GetProperty("generation").EnumerateArray().ToList();
        Assert.True(generations.Count >= 2, "reference.json should hold several generations to batch");
        var denoisers = new List<LanguageDenoiser>();
        try
        {
            var jobs = generations.Select(gen =>
            {
                var options = ReferenceGenerationCheck.DiffusionOptionsFor(reference, gen);
                var denoiser = new LanguageDenoiser(lm, prompt, options.GenLength, options.MaskId, useCache: false);
                denoisers.Add(denoiser);
                return new DiffusionJob(denoiser, options, 0);
            }).ToList();
            var rounds = 0;
            var widest = 0;
            var results = DiffusionSampler.GenerateBatch(jobs, work =>
            {
                rounds++;
                widest = Math.Max(widest, work.Count);
                LanguageDenoiser.ForwardBatch(work);
            }, TestContext.Current.CancellationToken);

            for (var g = 0; g < generations.Count; g++)
            {
                var trace = generations[g].GetProperty("trace").EnumerateArray().ToList();
                Assert.Equal(trace.Count, results[g].Trace.Length);
                for (var i = 0; i < trace.Count; i++)
                {
                    Assert.Equal(ReferenceFiles.Ints(trace[i].GetProperty("committed_positions")), results[g].Trace[i].Positions.ToArray());
                    Assert.Equal(ReferenceFiles.Ints(trace[i].GetProperty("committed_ids")), results[g].Trace[i].Ids.ToArray());
                }

                Assert.Equal(ReferenceFiles.Ints(generations[g].GetProperty("generated_ids")), results[g].Ids.ToArray());
            }

            // one batched forward per round, as many rounds as the longest generation has steps
            Assert.Equal(generations.Max(g => g.GetProperty("trace").GetArrayLength()), rounds);
            Assert.Equal(generations.Count, widest);
        }
        finally
        {
            denoisers.ForEach(d => d.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(CpuBackendTests.Gemms), MemberType = typeof(CpuBackendTests))]
    public void The_reference_llama3v_prompt_decoded_beside_other_prompts_gives_the_recorded_ids(CpuGemmKind gemm)
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.Llama3V);
        using var backend = new CpuBackend(gemm);
        using var checkpoint = Checkpoint.Open(ReferenceFiles.Llama3V);
        using var lm = LanguageModel.Load(checkpoint, backend);
        using var prompt = ReferencePrompt(ReferenceFiles.Llama3V, backend, checkpoint, lm);
        ImmutableArray<int> stop = [reference.GetProperty("stop_id").GetInt32()];
        var expected = ReferenceFiles.Ints(reference.GetProperty("generated_ids"));
        foreach (var cache in new[] { true, false })
        {
            var options = new AutoregressiveOptions(32, 0, stop, cache);
            var shorter = prompt.Rows(0, prompt.RowCount - 5);
            var sampled = new AutoregressiveOptions(7, 0.8, [], cache);
            var batch = AutoregressiveSampler.GenerateBatch(lm, [new(shorter, options, 0), new(prompt, options, 0), new(prompt, sampled, 42)], TestContext.Current.CancellationToken);
            Assert.Equal(expected, batch[1].Ids.ToArray());
            Assert.True(batch[1].Stopped);
            Assert.Equal(AutoregressiveSampler.Generate(lm, shorter, options, 0).Ids.ToArray(), batch[0].Ids.ToArray());
            Assert.Equal(AutoregressiveSampler.Generate(lm, prompt, sampled, 42).Ids.ToArray(), batch[2].Ids.ToArray());
            Assert.Equal(7, batch[2].Ids.Length);
        }
    }

    private static LanguageModel RandomModel(IComputeBackend backend, bool causal) =>
        RandomLanguageModel.Create(backend, new LanguageConfig(causal ? "llama" : "llada", 64, 160, 2, 4, causal ? 2 : 4, 300, 10000f, 1e-5f, 0, 299), 7);

    private static Tensor Embeds(LanguageModel lm, int n, int salt)
    {
        var e = lm.Backend.Allocate(new TensorShape(n, lm.Config.HiddenSize));
        lm.Embed([.. Enumerable.Range(0, n).Select(i => ((i * 31) + salt) % 299)], e);
        return e;
    }

    [Theory]
    [MemberData(nameof(CpuBackendTests.Gemms), MemberType = typeof(CpuBackendTests))]
    public void A_batched_forward_gives_each_sequence_the_bits_of_its_own_forward(CpuGemmKind gemm)
    {
        using var backend = new CpuBackend(gemm);
        foreach (var causal in new[] { false, true })
        {
            using var lm = RandomModel(backend, causal);
            using var a = Embeds(lm, 23, 1);
            using var b = Embeds(lm, 9, 2);
            using var c = Embeds(lm, 40, 3);
            using var cacheB = lm.CreateCache(16);
            using var cacheC = lm.CreateCache(48);
            using var cacheC2 = lm.CreateCache(48);

            // c's cache is prefilled with its first 30 positions, then c feeds a window [30, 40) against it
            using (var prefillLogits = backend.Allocate(new TensorShape(1, 300)))
            {
                lm.Forward(c.Rows(0, 30), new ForwardWindow(0, cacheC), 29, prefillLogits);
                lm.Forward(c.Rows(0, 30), new ForwardWindow(0, cacheC2), 29, prefillLogits);
            }

            (Tensor Embeds, ForwardWindow Window, int LogitStart, int Rows, KvCache? Cache)[] specs =
            [
                (a, ForwardWindow.Full, 3, 20, null),
                (b, new ForwardWindow(0, cacheB), 0, 9, cacheB),
                (c.Rows(30, 10), new ForwardWindow(30, cacheC, causal ? null : 40), 2, 8, cacheC),
            ];
            var alone = specs.Select(s =>
            {
                using var logits = backend.Allocate(new TensorShape(s.Rows, 300));
                var window = s.Cache == cacheC ? s.Window with { Cache = cacheC2 } : s.Window;
                lm.Forward(s.Embeds, window, s.LogitStart, logits);
                return logits.ToArray();
            }).ToList();
            cacheB.Clear();

            var outputs = specs.Select(s => backend.Allocate(new TensorShape(s.Rows, 300))).ToList();
            lm.Forward([.. specs.Select((s, i) => new ForwardSegment(s.Embeds, s.Window, s.LogitStart, outputs[i]))]);
            for (var i = 0; i < specs.Length; i++)
            {
                Assert.True(alone[i].AsSpan().SequenceEqual(outputs[i].ToArray()), $"segment {i} (causal {causal}, {gemm}) differs from its own forward");
                outputs[i].Dispose();
            }

            // the caches hold the same K/V as after the forwards alone
            Assert.True(cacheC.Keys(1).ToArray().AsSpan().SequenceEqual(cacheC2.Keys(1).ToArray()));
            Assert.Equal(40, cacheC.Length);
            Assert.Equal(9, cacheB.Length);
        }
    }

    [Fact]
    public void Two_segments_sharing_a_cache_are_refused()
    {
        using var backend = new CpuBackend();
        using var lm = RandomModel(backend, causal: false);
        using var a = Embeds(lm, 5, 1);
        using var cache = lm.CreateCache(8);
        using var l1 = backend.Allocate(new TensorShape(1, 300));
        using var l2 = backend.Allocate(new TensorShape(1, 300));
        var e = Assert.Throws<ArgumentException>(() => lm.Forward([new ForwardSegment(a, new ForwardWindow(0, cache), 0, l1), new ForwardSegment(a, new ForwardWindow(0, cache), 0, l2)]));
        Assert.Contains("share a K/V cache", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CpuBackendTests.Gemms), MemberType = typeof(CpuBackendTests))]
    public void Sequences_with_different_settings_sampled_together_equal_each_sampled_alone(CpuGemmKind gemm)
    {
        using var backend = new CpuBackend(gemm);
        using var lm = RandomModel(backend, causal: false);
        var baseline = new DiffusionOptions { GenLength = 16, Steps = 8, BlockLength = 8, MaskId = 299, ForbiddenIds = [0] };
        // stop sequences are the ids a random model produces often enough to end some sequences early
        (int Prompt, DiffusionOptions Options, ulong Seed)[] jobs =
        [
            (21, baseline, 0),
            (13, baseline with { Cache = CacheMode.Prefix, RefreshInterval = 2 }, 1),
            (34, baseline with { Cache = CacheMode.Dual, Steps = 16 }, 2),
            (8, baseline with { CfgScale = 0.5 }, 3),
            (17, baseline with { Threshold = 0.02, Cache = CacheMode.Prefix, RefreshInterval = 4 }, 4),
            (21, baseline with { Temperature = 0.7, Remasking = Remasking.Random }, 5),
            (26, baseline with { GenLength = 32, Steps = 32, BlockLength = 8, StopSequences = [[42], [7, 8]] }, 6),
        ];
        var prompts = jobs.Select((j, i) => Embeds(lm, j.Prompt, i)).ToList();
        try
        {
            DiffusionResult Alone(int i)
            {
                using var d = new LanguageDenoiser(lm, prompts[i], jobs[i].Options.GenLength, 299, jobs[i].Options.Cache != CacheMode.None, jobs[i].Options.CfgScale > 0);
                return DiffusionSampler.Generate(d, jobs[i].Options, jobs[i].Seed);
            }

            var expected = Enumerable.Range(0, jobs.Length).Select(Alone).ToList();
            var denoisers = jobs.Select((j, i) => new LanguageDenoiser(lm, prompts[i], j.Options.GenLength, 299, j.Options.Cache != CacheMode.None, j.Options.CfgScale > 0)).ToList();
            var batch = DiffusionSampler.GenerateBatch([.. jobs.Select((j, i) => new DiffusionJob(denoisers[i], j.Options, j.Seed))], LanguageDenoiser.ForwardBatch, TestContext.Current.CancellationToken);
            denoisers.ForEach(d => d.Dispose());
            for (var i = 0; i < jobs.Length; i++)
            {
                Assert.Equal(expected[i].Ids.ToArray(), batch[i].Ids.ToArray());
                Assert.Equal(expected[i].ForwardPasses, batch[i].ForwardPasses);
                Assert.Equal(expected[i].Stopped, batch[i].Stopped);
                Assert.Equal(
                    expected[i].Trace.Select(t => (t.Block, t.Step, string.Join(',', t.Positions), string.Join(',', t.Ids))),
                    batch[i].Trace.Select(t => (t.Block, t.Step, string.Join(',', t.Positions), string.Join(',', t.Ids))));
            }
        }
        finally
        {
            prompts.ForEach(p => p.Dispose());
        }
    }
}
