using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Language;

/// <summary>
/// Fast-dLLM caching on tiny-lladav (text-only prompt from reference.json): a window forward against a freshly built
/// cache must reproduce the full forward's logits (§8.1: the cache is exact until the sequence changes), and a prefix
/// cache refreshed every step must reproduce the exact sampler.
/// </summary>
public sealed class CacheConsistencyTests
{
    private static int[] PromptIds() =>
        [.. ReferenceFiles.Ints(ReferenceFiles.Reference(ReferenceFiles.LladaV).GetProperty("prompt_ids_with_image_placeholder")).Where(id => id != PromptEmbedder.ImagePlaceholderId)];

    [Fact]
    public void Window_forwards_against_a_fresh_cache_reproduce_the_full_forward()
    {
        using var backend = new CpuBackend();
        using var checkpoint = Checkpoint.Open(ReferenceFiles.LladaV);
        using var lm = LanguageModel.Load(checkpoint, backend);
        var ids = PromptIds();
        const int gen = 16;
        using var prompt = backend.Allocate(new TensorShape(ids.Length, lm.Config.HiddenSize));
        lm.Embed(ids, prompt);
        using var denoiser = new LanguageDenoiser(lm, prompt, gen, 441, useCache: true);
        var p = ids.Length;
        denoiser.Commit(p + 3, 100);
        denoiser.Commit(p + 12, 444);
        var vocab = lm.Config.VocabSize;
        var full = new float[gen * vocab];
        var prefix = new float[gen * vocab];
        var dual = new float[8 * vocab];
        denoiser.Forward(new DenoiserCall(DenoiserPass.Refresh, 0, p + gen, p, p + gen, false), full);
        denoiser.Forward(new DenoiserCall(DenoiserPass.Window, p, p + gen, p, p + gen, false), prefix);
        denoiser.Forward(new DenoiserCall(DenoiserPass.Window, p + 8, p + 16, p + 8, p + 16, false), dual);
        for (var i = 0; i < full.Length; i++)
        {
            Assert.True(Math.Abs(full[i] - prefix[i]) <= 1e-4 * Math.Max(1, Math.Abs(full[i])), $"prefix window differs at {i}");
        }

        for (var i = 0; i < dual.Length; i++)
        {
            Assert.True(Math.Abs(full[(8 * vocab) + i] - dual[i]) <= 1e-4 * Math.Max(1, Math.Abs(dual[i])), $"dual window differs at {i}");
        }
    }

    [Fact]
    public void Prefix_cache_refreshed_every_step_equals_the_exact_sampler()
    {
        using var backend = new CpuBackend();
        using var checkpoint = Checkpoint.Open(ReferenceFiles.LladaV);
        using var lm = LanguageModel.Load(checkpoint, backend);
        var ids = PromptIds();
        using var prompt = backend.Allocate(new TensorShape(ids.Length, lm.Config.HiddenSize));
        lm.Embed(ids, prompt);
        DiffusionResult Run(CacheMode cache, int? r)
        {
            var options = new DiffusionOptions { GenLength = 16, Steps = 8, BlockLength = 8, MaskId = 441, ForbiddenIds = [440, 439, 442, 443], StopSequences = [[444]], Cache = cache, RefreshInterval = r };
            using var d = new LanguageDenoiser(lm, prompt, 16, 441, cache != CacheMode.None);
            return DiffusionSampler.Generate(d, options, 0);
        }

        var exact = Run(CacheMode.None, null);
        var cached = Run(CacheMode.Prefix, 1);
        Assert.Equal(exact.Ids.ToArray(), cached.Ids.ToArray());
        Assert.Equal(exact.Trace.Select(s => string.Join(',', s.Positions)), cached.Trace.Select(s => string.Join(',', s.Positions)));
        Assert.Equal(exact.ForwardPasses, cached.ForwardPasses);
    }
}
