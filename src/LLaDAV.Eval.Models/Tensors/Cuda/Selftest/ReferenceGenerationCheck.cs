using System.Collections.Immutable;
using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

/// <summary>One generation of a tiny reference checkpoint compared with the ids in its reference.json.</summary>
public sealed record ReferenceCheck(string Name, bool Passed, string Detail)
{
    public override string ToString() => $"{(Passed ? "ok  " : "FAIL")} {Name}: {Detail}";
}

/// <summary>
/// Generates with both tiny reference checkpoints (testdata/model-reference: tiny-lladav diffusion, tiny-llama3v greedy
/// with and without the KV cache) on any backend and compares the ids with reference.json — the same path and prompt
/// ids as the engine's oracle tests, with the backend as a parameter so the GPU runs the whole model.
/// </summary>
public static class ReferenceGenerationCheck
{
    /// <summary>
    /// Opts an emulated CUDA device into <see cref="ReferenceSet.All"/>: each full forward of the tiny checkpoints
    /// attends over ~2,100 tokens (1,998 image tokens), which the emulator runs one fiber per CUDA thread, so the
    /// whole set (41 full forwards) takes tens of CPU minutes there instead of seconds on a GPU.
    /// </summary>
    public const string EmulatorSlowVariable = "LLADAV_CUDA_EMULATOR_SLOW";

    /// <summary>
    /// The set a device runs: <see cref="ReferenceSet.All"/> everywhere except on an emulated CUDA device, which runs
    /// <see cref="ReferenceSet.EmulatorSubset"/> unless <see cref="EmulatorSlowVariable"/>=1.
    /// </summary>
    public static ReferenceSet SetFor(IComputeBackend backend) =>
        backend is CudaBackend { IsEmulated: true } && Environment.GetEnvironmentVariable(EmulatorSlowVariable) != "1"
            ? ReferenceSet.EmulatorSubset
            : ReferenceSet.All;

    public static IReadOnlyList<ReferenceCheck> Run(IComputeBackend backend, string modelReferenceDirectory) =>
        Run(backend, modelReferenceDirectory, SetFor(backend));

    public static IReadOnlyList<ReferenceCheck> Run(IComputeBackend backend, string modelReferenceDirectory, ReferenceSet set)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var image = ImageDecoder.DecodeFile(Path.Combine(modelReferenceDirectory, "image.png"));
        var results = new List<ReferenceCheck>();
        results.AddRange(Lladav(backend, Path.Combine(modelReferenceDirectory, "tiny-lladav"), image, set));
        results.AddRange(Llama3V(backend, Path.Combine(modelReferenceDirectory, "tiny-llama3v"), image, set));
        return results;
    }

    private static IEnumerable<ReferenceCheck> Lladav(IComputeBackend backend, string dir, RgbImage image, ReferenceSet set)
    {
        var reference = Reference(dir);
        using var checkpoint = Checkpoint.Open(dir);
        using var lm = LanguageModel.Load(checkpoint, backend);
        using var prompt = PromptEmbeds(dir, reference, backend, checkpoint, lm, image);
        var results = new List<ReferenceCheck>();
        var generations = reference.GetProperty("generation").EnumerateArray().ToList();
        if (set == ReferenceSet.EmulatorSubset)
        {
            // The cheapest generation (gen_length 12, 6 steps, blocks of 4: 6 forwards) still crosses block
            // boundaries, so the semi-autoregressive block schedule and the remasking run; the other two (24 forwards)
            // only add steps of the same kind.
            generations = [generations.MinBy(g => g.GetProperty("gen_kwargs").GetProperty("steps").GetInt32())];
        }

        foreach (var gen in generations)
        {
            var options = DiffusionOptionsFor(reference, gen);
            using var denoiser = new LanguageDenoiser(lm, prompt, options.GenLength, options.MaskId, useCache: false);
            var result = DiffusionSampler.Generate(denoiser, options, 0);
            var expected = Ints(gen.GetProperty("generated_ids"));
            results.Add(Compare($"tiny-lladav diffusion gen_length={options.GenLength} steps={options.Steps} block={options.BlockLength}", expected, result.Ids));
        }

        return results;
    }

    private static IEnumerable<ReferenceCheck> Llama3V(IComputeBackend backend, string dir, RgbImage image, ReferenceSet set)
    {
        var reference = Reference(dir);
        using var checkpoint = Checkpoint.Open(dir);
        using var lm = LanguageModel.Load(checkpoint, backend);
        using var prompt = PromptEmbeds(dir, reference, backend, checkpoint, lm, image);
        var expected = Ints(reference.GetProperty("generated_ids"));
        ImmutableArray<int> stop = [reference.GetProperty("stop_id").GetInt32()];
        var cached = AutoregressiveSampler.Generate(lm, prompt, new AutoregressiveOptions(32, 0, stop, UseCache: true), 0);
        var results = new List<ReferenceCheck> { Compare("tiny-llama3v greedy with KV cache", expected, cached.Ids) };
        if (set == ReferenceSet.All)
        {
            // One full forward per generated id (10 over ~2,100 tokens); the cached run (one prefill, then one-row
            // decode steps) already compares the same ids and runs the causal attention, the cache appends and RoPE
            // at an offset, so the emulator's subset leaves this one out.
            var uncached = AutoregressiveSampler.Generate(lm, prompt, new AutoregressiveOptions(32, 0, stop, UseCache: false), 0);
            results.Add(Compare("tiny-llama3v greedy without KV cache", expected, uncached.Ids));
        }

        return results;
    }

    private static Tensor PromptEmbeds(string dir, JsonElement reference, IComputeBackend backend, Checkpoint checkpoint, LanguageModel lm, RgbImage image)
    {
        using var stack = LlavaVisionStack.Load(backend, LlavaVisionConfig.FromFile(Path.Combine(dir, "config.json")), new CheckpointVisionWeights(checkpoint, backend));
        using var features = stack.EncodeImage(image);
        return PromptEmbedder.Build(lm, Ints(reference.GetProperty("prompt_ids_with_image_placeholder")), [features]);
    }

    private static ReferenceCheck Compare(string name, int[] expected, ImmutableArray<int> actual)
    {
        var passed = expected.AsSpan().SequenceEqual(actual.AsSpan());
        var detail = passed
            ? $"{actual.Length} ids match reference.json"
            : $"ids differ from reference.json\n      expected [{string.Join(", ", expected)}]\n      actual   [{string.Join(", ", actual)}]";
        return new ReferenceCheck(name, passed, detail);
    }

    private static JsonElement Reference(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "reference.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// The sampler settings of one tiny-lladav reference generation: its gen_kwargs (low-confidence remasking,
    /// temperature 0) with the reference's mask id, forbidden ids and stop id (docs/LLADAV-MODEL.md §6.2).
    /// </summary>
    public static DiffusionOptions DiffusionOptionsFor(JsonElement reference, JsonElement generation)
    {
        var kw = generation.GetProperty("gen_kwargs");
        return new DiffusionOptions
        {
            GenLength = kw.GetProperty("gen_length").GetInt32(),
            Steps = kw.GetProperty("steps").GetInt32(),
            BlockLength = kw.GetProperty("block_length").GetInt32(),
            MaskId = reference.GetProperty("mask_id").GetInt32(),
            ForbiddenIds = [.. Ints(reference.GetProperty("forbidden_ids_at_masked_positions"))],
            StopSequences = [[reference.GetProperty("stop_id").GetInt32()]],
        };
    }

    private static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];
}

/// <summary>Which reference generations <see cref="ReferenceGenerationCheck"/> runs.</summary>
public enum ReferenceSet
{
    /// <summary>The three tiny-lladav diffusion generations and tiny-llama3v greedy with and without the KV cache.</summary>
    All,

    /// <summary>
    /// The emulated device's default: the tiny-lladav generation with the fewest steps and tiny-llama3v greedy with the
    /// KV cache (7 full forwards instead of 41), still compared id for id with reference.json.
    /// </summary>
    EmulatorSubset,
}
