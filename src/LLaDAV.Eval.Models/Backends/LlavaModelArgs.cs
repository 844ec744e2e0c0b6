using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// One <c>--model-args</c> key a backend accepts: its name, what it does, and (for lmms-eval's model arguments that
/// we reproduce only at one setting) the only values accepted; empty = any value its parser takes.
/// </summary>
public sealed record ModelArgKey(string Name, string Description, ImmutableArray<string> OnlyValues);

/// <summary>
/// The model-args keys of <c>--model lladav</c> and <c>--model llama3v</c>, declared in this one place: ours, and
/// lmms-eval's <c>llava_onevision_llada</c> / <c>llava_onevision</c> constructor arguments (docs/LMMS-EVAL.md §3.1, §3.4;
/// docs/LLADAV-MODEL.md §7.1), each honoured or, at any value we do not reproduce, refused with one line. Never ignored.
/// </summary>
public static class LlavaModelArgs
{
    /// <summary>The conversation template lmms-eval's wrapper is given for each family (docs/LLADAV-MODEL.md §5.1, §9).</summary>
    public static string ConvTemplate(LlavaFamily family) => family == LlavaFamily.LladaV ? "llava_llada" : "llava_llama_3";

    public static ImmutableArray<ModelArgKey> For(LlavaFamily family) =>
    [
        new("path", "checkpoint folder as published on the HF hub, an HF repo id found in the HF cache, or demo (random weights)", []),
        new("pretrained", "lmms-eval's name for path (same values)", []),
        new("device", "overrides --device (cpu, cuda, cuda:N)", []),
        new("device_map", "lmms-eval's device argument: cpu, cuda or cuda:N (as --device)", []),
        new("max_frames_num", "frames per video, uniformly sampled (lmms-eval default 32)", []),
        new("video_cache_mb", "MiB of sampled video frames kept so the questions sharing a video decode it once (default 1024; 0: none kept)", []),
        new("batch_packing", "exact (default) or always", []),
        new("dtype", "compute dtype: fp32 (CPU default) or bf16 (GPU default; on the CPU bf16 GEMMs through oneDNN on AVX512-BF16)", ["fp32", "bf16"]),
        new("conv_template", "lmms-eval's chat template; the checkpoint's own template is rendered", [ConvTemplate(family)]),
        new("model_name", family == LlavaFamily.LladaV
            ? "lmms-eval builder switch: must contain 'llada' (the LLaDA class)"
            : "lmms-eval builder switch: must not contain 'llada'", []),
        new("mm_spatial_pool_stride", "video frame pooling stride (LLaVA-OneVision's 2)", ["2"]),
        new("mm_spatial_pool_mode", "video frame pooling mode", ["bilinear"]),
        new("token_strategy", "one <image> token per video", ["single"]),
        new("video_decode_backend", "frames at decord's uniform linspace indices (we decode with ffmpeg)", ["decord"]),
        new("attn_implementation", "exact attention (no approximate kernel is offered)", ["sdpa", "eager"]),
        new("use_cache", family == LlavaFamily.LladaV
            ? "lmms-eval's HF use_cache (False for LLaDA); Fast-dLLM caching is --gen-kwargs cache=prefix|dual"
            : "KV cache of the causal LM (always on)", [family == LlavaFamily.LladaV ? "False" : "True"]),
        new("truncate_context", "context is never truncated", ["False"]),
    ];

    /// <summary>Refuses an lmms-eval argument at a value we do not reproduce, naming key, value and the accepted ones.</summary>
    public static void Check(ModelArgs args, LlavaFamily family, string backendName)
    {
        ArgumentNullException.ThrowIfNull(args);
        var keys = For(family).ToDictionary(k => k.Name, StringComparer.Ordinal);
        foreach (var (key, value) in args.Values)
        {
            // lmms-eval lines often carry device_map=auto (HF's spread over every GPU): one device runs a model here, so
            // it is refused with the fix instead of failing at model load as an internal error.
            if (key is "device" or "device_map" && !ComputeDevices.IsKnown(value))
            {
                throw new ModelArgsException($"--model-args {key}={value} is not a device: use cpu, cuda or cuda:N (one device per process; for every GPU of a node, 'lladav-eval launch --gpus 0,1,...').");
            }

            if (!keys.TryGetValue(key, out var declared) || declared.OnlyValues.IsEmpty)
            {
                continue;
            }

            if (!declared.OnlyValues.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                throw new ModelArgsException($"--model-args {key}={value} is not supported by --model {backendName}: accepted {string.Join(" or ", declared.OnlyValues)} ({declared.Description}).");
            }
        }

        if (args.Get("model_name") is { } name && name.Contains("llada", StringComparison.OrdinalIgnoreCase) != (family == LlavaFamily.LladaV))
        {
            throw new ModelArgsException(family == LlavaFamily.LladaV
                ? $"--model-args model_name={name}: lmms-eval's builder loads the LLaDA class only when model_name contains 'llada' (LLaDA-V's line: model_name=llava_llada)."
                : $"--model-args model_name={name} would make lmms-eval's builder load the LLaDA class; --model {backendName} is the autoregressive LLaMA3-V.");
        }

        if (args.Get("path") is not null && args.Get("pretrained") is not null && args.Get("path") != args.Get("pretrained"))
        {
            throw new ModelArgsException($"--model-args names both path={args.Get("path")} and pretrained={args.Get("pretrained")}; give one.");
        }
    }

    /// <summary>
    /// <c>pretrained=</c>/<c>path=</c>: an existing folder as is; else an HF repo id <c>org/name</c> looked up in the HF
    /// cache (<c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>) as
    /// <c>models--org--name/snapshots/&lt;rev&gt;</c> (the revision <c>refs/main</c> names, else the only one).
    /// </summary>
    public static string ResolveCheckpoint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Directory.Exists(value))
        {
            return value;
        }

        var parts = value.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0) || Path.IsPathRooted(value) || value.StartsWith('.'))
        {
            throw new ModelArgsException($"--model-args path/pretrained={value}: no such folder (and it is not an HF repo id org/name).");
        }

        var searched = new List<string>();
        foreach (var hub in HubFolders())
        {
            var repo = Path.Combine(hub, $"models--{parts[0]}--{parts[1]}");
            var snapshots = Path.Combine(repo, "snapshots");
            searched.Add(snapshots);
            if (!Directory.Exists(snapshots))
            {
                continue;
            }

            var main = Path.Combine(repo, "refs", "main");
            if (File.Exists(main) && Path.Combine(snapshots, File.ReadAllText(main).Trim()) is var pinned && Directory.Exists(pinned))
            {
                return pinned;
            }

            var revisions = Directory.GetDirectories(snapshots);
            if (revisions.Length == 1)
            {
                return revisions[0];
            }

            if (revisions.Length > 1)
            {
                throw new ModelArgsException($"--model-args pretrained={value}: {snapshots} holds {revisions.Length} revisions and no refs/main; pass the snapshot folder as path=.");
            }
        }

        throw new ModelArgsException($"--model-args pretrained={value}: not a folder, and not in the HF cache. Searched: {string.Join(", ", searched)}. Download it there (huggingface-cli download {value}) or pass path=DIR.");
    }

    private static IEnumerable<string> HubFolders()
    {
        if (Environment.GetEnvironmentVariable("HF_HUB_CACHE") is { Length: > 0 } hubCache)
        {
            yield return hubCache;
        }

        var home = Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } h
            ? h
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");
        yield return Path.Combine(home, "hub");
    }

}
