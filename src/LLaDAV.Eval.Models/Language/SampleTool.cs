using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// What the <c>sample</c> verb asks for: greedy generation straight from token ids, with no chat template, tokenizer
/// or vision (a language tower alone, e.g. a random-weight checkpoint written by scripts/gpu/torch_reference.py).
/// </summary>
public sealed record SampleToolRequest(
    string ModelPath,
    string? Ids,
    string? IdsFile,
    string Device,
    int GenLength,
    int? Steps = null,
    int? BlockLength = null,
    CacheMode Cache = CacheMode.None,
    int? RefreshInterval = null,
    bool NoKvCache = false);

/// <summary>
/// The <c>sample</c> verb's logic. A diffusion checkpoint (LLaDA) runs the masked-diffusion sampler of LLaDA's
/// <c>generate.py</c> (docs/LLADAV-MODEL.md §6.1): temperature 0, cfg 0, <c>low_confidence</c> remasking, no forbidden ids,
/// the config's <c>mask_token_id</c>; a causal checkpoint (LLaMA) decodes greedily with the KV cache (or without,
/// <c>--no-kv-cache</c>). Prints <c>{generated_ids, forward_passes, seconds}</c> as JSON.
/// </summary>
public static class SampleTool
{
    public static string Run(SampleToolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.GenLength <= 0)
        {
            throw new ArgumentException($"--gen-length must be a positive number of tokens, not {request.GenLength}.");
        }

        var tokens = TokenIds.Read(request.Ids, request.IdsFile);
        using var checkpoint = Checkpoint.Open(request.ModelPath);
        var config = checkpoint.Config.Language;
        TokenIds.CheckRange(tokens, config.VocabSize);
        using var backend = ComputeDevices.Create(request.Device);
        using var model = LanguageModel.Load(checkpoint, backend);
        using var prompt = backend.Allocate(new TensorShape(tokens.Length, config.HiddenSize));
        model.Embed(tokens, prompt);
        var clock = Stopwatch.StartNew();
        int[] ids;
        int passes;
        if (config.IsDiffusion)
        {
            var mask = config.MaskTokenId ?? throw new ArgumentException($"{request.ModelPath}/config.json has no mask_token_id; a diffusion checkpoint needs one (LLaDA: 126336).");
            var options = new DiffusionOptions
            {
                GenLength = request.GenLength,
                Steps = request.Steps ?? request.GenLength,
                BlockLength = request.BlockLength ?? request.GenLength,
                MaskId = mask,
                Cache = request.Cache,
                RefreshInterval = request.RefreshInterval,
            };
            options.Validate();
            using var denoiser = new LanguageDenoiser(model, prompt, options.GenLength, mask, options.Cache != CacheMode.None);
            var result = DiffusionSampler.Generate(denoiser, options, seed: 0);
            ids = [.. result.Ids];
            passes = result.ForwardPasses;
        }
        else
        {
            var result = AutoregressiveSampler.Generate(model, prompt, new AutoregressiveOptions(request.GenLength, 0, [], UseCache: !request.NoKvCache), seed: 0);
            ids = [.. result.Ids];
            passes = result.ForwardPasses;
        }

        return new JsonObject
        {
            ["generated_ids"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]),
            ["forward_passes"] = passes,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 4),
            ["device"] = backend.Description,
            ["sampler"] = config.IsDiffusion
                ? string.Create(CultureInfo.InvariantCulture, $"masked diffusion, greedy low_confidence, cache {request.Cache.ToString().ToLowerInvariant()}")
                : request.NoKvCache ? "greedy autoregressive, no KV cache" : "greedy autoregressive, KV cache",
        }.ToJsonString(JsonFormats.Compact);
    }
}
