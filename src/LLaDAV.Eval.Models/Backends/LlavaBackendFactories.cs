using System.Collections.Immutable;
using LLaDAV.Eval.Models.Demo;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// Shared model-args handling of the two factories. Keys: <c>path</c> (alias <c>pretrained</c>): checkpoint folder,
/// or <c>demo</c> / absent for the generated demo checkpoint (random weights, see <see cref="DemoCheckpoint"/>);
/// <c>device</c>: overrides the run's <c>--device</c>; <c>dtype</c>: <c>fp32</c> (CPU default) or <c>bf16</c> (GPU default;
/// on the CPU: bf16 GEMMs on AVX512-BF16 through oneDNN); <c>max_frames_num</c>: frames per video (default 32);
/// <c>batch_packing</c>: <c>exact</c> (default: a batch gives each request the tokens it gets alone) or <c>always</c>
/// (one GEMM for the whole batch even where the GEMM is not row-invariant, e.g. cuBLAS: faster, last bits may differ).
/// </summary>
public abstract class LlavaBackendFactory(LlavaFamily family) : IModelBackendFactory
{
    /// <summary>Every model-args key this backend accepts (declared in <see cref="LlavaModelArgs"/>).</summary>
    public ImmutableArray<ModelArgKey> AcceptedModelArgs => LlavaModelArgs.For(family);

    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>The keys declared in <see cref="LlavaModelArgs"/>: ours and lmms-eval's, each read or refused by value.</summary>
    public IReadOnlyCollection<string> AcceptedArgs => [.. AcceptedModelArgs.Select(k => k.Name)];

    /// <summary>The random-weight demo checkpoint (no path, or <c>path=demo</c>) may run on the embedded samples.</summary>
    public bool MayUseSampleData(ModelArgs args) => (args?.Get("path") ?? args?.Get("pretrained")) is null or "demo";

    public void Validate(ModelArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        LlavaModelArgs.Check(args, family, Name);
        if ((args.Get("path") ?? args.Get("pretrained")) is { } path and not "demo")
        {
            // A folder that is no checkpoint at all (a typo'd parent, the dataset folder) is said here, with the other
            // settings: found only when the model loads, it came after the run had fetched every task's dataset.
            var folder = LlavaModelArgs.ResolveCheckpoint(path);
            if (!File.Exists(Path.Combine(folder, "config.json")))
            {
                throw new ModelArgsException($"--model-args path/pretrained={path}: {folder} has no config.json, so it is not a checkpoint folder. Pass the folder holding config.json, model.safetensors (or its shards and index), tokenizer.json and tokenizer_config.json, as published on the HF hub.");
            }
        }
    }

    /// <summary>LLaDA-V's sampler adds generate.py's block-shape rules to the common checks; LLaMA3-V has only those.</summary>
    public void ValidateGenerationKwargs(GenerationKwargs kwargs, Func<string, string> sourceOf) =>
        GenerationKwargsSchema.Validate(kwargs, family == LlavaFamily.LladaV, sourceOf);

    public IModelBackend Create(ModelArgs args, BackendContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        LlavaModelArgs.Check(args, family, Name);
        var path = args.Get("path") ?? args.Get("pretrained");
        var directory = path is null or "demo" ? DemoCheckpoint.Ensure(family) : LlavaModelArgs.ResolveCheckpoint(path);
        var device = args.Get("device") ?? args.Get("device_map") ?? context.Device;

        // bf16 on a CPU that cannot compute it is the model-args key's error, said in its own words (no re-wording of
        // the tensor layer's --dtype message); a missing CUDA library keeps its own exception and exit code.
        if (ComputeDevices.ParseDType(args.Get("dtype")) == ComputeDType.Bf16 && device.Split(':', 2)[0] == "cpu"
            && Tensors.Cpu.CpuBackend.Bf16UnavailableReasonFor("--model-args dtype=bf16", "--model-args dtype=fp32") is { } why)
        {
            throw new ModelArgsException(why);
        }

        var backend = ComputeDevices.Create(device, args.Get("dtype"));

        try
        {
            var frames = args.Get("max_frames_num") is { } f
                ? int.TryParse(f, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ModelArgsException($"--model-args max_frames_num={f} is not a positive whole number of frames (lmms-eval's default is {Media.Video.FrameSampling.DefaultFrameCount}).")
                : Media.Video.FrameSampling.DefaultFrameCount;
            var packing = ParsePacking(args.Get("batch_packing"));
            var cacheBytes = args.Get("video_cache_mb") is { } mb
                ? long.TryParse(mb, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) && m is >= 0 and <= (1L << 40)
                    ? m << 20
                    : throw new ModelArgsException($"--model-args video_cache_mb={mb} is not a whole number of MiB (0 keeps no video's frames; default {Media.Video.VideoFrameCache.DefaultMaxBytes >> 20}).")
                : Media.Video.VideoFrameCache.DefaultMaxBytes;
            var model = LlavaModel.Open(directory, backend, frames, cacheBytes);
            model.Language.Packing = packing;
            if (model.Family != family)
            {
                model.Dispose();
                throw new Checkpoints.CheckpointException(
                    Checkpoints.CheckpointErrorKind.InvalidConfig,
                    Path.Combine(directory, "config.json"),
                    null,
                    $"--model {Name} needs a {family} checkpoint, but {directory} holds a {model.Family} one (config.json model_type). Use --model {(family == LlavaFamily.LladaV ? "llama3v" : "lladav")} for it.");
            }

            return new LlavaBackend(Name, model);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    private static Language.BatchPacking ParsePacking(string? value) => value switch
    {
        null or "exact" => Language.BatchPacking.Exact,
        "always" => Language.BatchPacking.Always,
        _ => throw new ModelArgsException($"--model-args batch_packing={value} is not one of: exact (default), always."),
    };
}

/// <summary><c>--model lladav</c>.</summary>
public sealed class LladaVBackendFactory() : LlavaBackendFactory(LlavaFamily.LladaV)
{
    public override string Name => "lladav";

    public override string Description => "LLaDA-V: SigLIP2 + projector + LLaDA masked diffusion (model-args: path=DIR|demo, device=cpu, dtype=fp32|bf16).";
}

/// <summary><c>--model llama3v</c>.</summary>
public sealed class Llama3VBackendFactory() : LlavaBackendFactory(LlavaFamily.Llama3V)
{
    public override string Name => "llama3v";

    public override string Description => "LLaMA3-V baseline: SigLIP2 + projector + causal LLaMA3 with KV cache (model-args: path=DIR|demo, device=cpu, dtype=fp32|bf16).";
}
