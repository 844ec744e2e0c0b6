using System.Collections.Immutable;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Vision;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Language;

/// <summary>
/// Image-conditioned generations of both tiny checkpoints against reference.json: every LLaDA-V diffusion step
/// (committed positions and ids) and the generated ids, and the LLaMA3-V greedy ids with and without the KV cache.
/// Prompt ids come from reference.json, so these tests do not depend on the tokenizer.
/// </summary>
public sealed class GenerationOracleTests
{
    private static readonly Lazy<RgbImage> Image = new(() => ImageDecoder.DecodeFile(TestPaths.InTestData("model-reference", "image.png")));

    private static Tensor PromptEmbeds(string dir, CpuBackend backend, Checkpoint checkpoint, LanguageModel lm, out int visualTokens)
    {
        var reference = ReferenceFiles.Reference(dir);
        using var stack = LlavaVisionStack.Load(backend, LlavaVisionConfig.FromFile(Path.Combine(dir, "config.json")), new CheckpointVisionWeights(checkpoint, backend));
        using var features = stack.EncodeImage(Image.Value);
        visualTokens = features.RowCount;
        var ids = ReferenceFiles.Ints(reference.GetProperty("prompt_ids_with_image_placeholder"));
        return PromptEmbedder.Build(lm, ids, [features]);
    }

    [Fact]
    public void Lladav_diffusion_traces_and_ids_match_the_reference()
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.LladaV);
        using var backend = new CpuBackend();
        using var checkpoint = Checkpoint.Open(ReferenceFiles.LladaV);
        using var lm = LanguageModel.Load(checkpoint, backend);
        using var prompt = PromptEmbeds(ReferenceFiles.LladaV, backend, checkpoint, lm, out var visual);
        Assert.Equal(reference.GetProperty("anyres_layout").GetProperty("tokens").GetInt32(), visual);
        foreach (var gen in reference.GetProperty("generation").EnumerateArray())
        {
            var options = global::LLaDAV.Eval.Models.Tensors.Cuda.Selftest.ReferenceGenerationCheck.DiffusionOptionsFor(reference, gen);
            using var denoiser = new LanguageDenoiser(lm, prompt, options.GenLength, options.MaskId, useCache: false);
            var result = DiffusionSampler.Generate(denoiser, options, 0);
            var trace = gen.GetProperty("trace").EnumerateArray().ToList();
            Assert.Equal(trace.Count, result.Trace.Length);
            for (var i = 0; i < trace.Count; i++)
            {
                Assert.Equal((trace[i].GetProperty("block").GetInt32(), trace[i].GetProperty("step").GetInt32()), (result.Trace[i].Block, result.Trace[i].Step));
                Assert.Equal(ReferenceFiles.Ints(trace[i].GetProperty("committed_positions")), result.Trace[i].Positions.ToArray());
                Assert.Equal(ReferenceFiles.Ints(trace[i].GetProperty("committed_ids")), result.Trace[i].Ids.ToArray());
            }

            Assert.Equal(ReferenceFiles.Ints(gen.GetProperty("generated_ids")), result.Ids.ToArray());
            Assert.Equal(trace.Count, result.ForwardPasses);
        }
    }

    [Fact]
    public void Llama3v_greedy_ids_match_the_reference_with_and_without_kv_cache()
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.Llama3V);
        using var backend = new CpuBackend();
        using var checkpoint = Checkpoint.Open(ReferenceFiles.Llama3V);
        using var lm = LanguageModel.Load(checkpoint, backend);
        Assert.True(lm.Causal);
        using var prompt = PromptEmbeds(ReferenceFiles.Llama3V, backend, checkpoint, lm, out _);
        var expected = ReferenceFiles.Ints(reference.GetProperty("generated_ids"));
        ImmutableArray<int> stop = [reference.GetProperty("stop_id").GetInt32()];
        var cached = AutoregressiveSampler.Generate(lm, prompt, new AutoregressiveOptions(32, 0, stop, UseCache: true), 0);
        var uncached = AutoregressiveSampler.Generate(lm, prompt, new AutoregressiveOptions(32, 0, stop, UseCache: false), 0);
        Assert.Equal(expected, cached.Ids.ToArray());
        Assert.Equal(expected, uncached.Ids.ToArray());
        Assert.True(cached.Stopped);
    }
}
