using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>
/// The language tower's hyper-parameters. Read from HF/LLaMA-style keys (<c>hidden_size</c>, …) or the original
/// OLMo-style LLaDA keys (<c>d_model</c>, <c>n_layers</c>, …), docs/LLADAV-MODEL.md §1.2.
/// </summary>
public sealed record LanguageConfig(
    string ModelType,
    int HiddenSize,
    int IntermediateSize,
    int Layers,
    int Heads,
    int KvHeads,
    int VocabSize,
    float RopeTheta,
    float RmsNormEps,
    int? EosTokenId,
    int? MaskTokenId)
{
    public int HeadDim => HiddenSize / Heads;

    /// <summary>LLaDA is a bidirectional encoder (§1.1); every LLaMA-family tower is causal.</summary>
    public bool IsDiffusion => ModelType.Contains("llada", StringComparison.OrdinalIgnoreCase);
}

/// <summary>SigLIP tower settings (<c>vision_config</c>, §3.1). Defaults are siglip2-so400m-patch14-384.</summary>
public sealed record VisionConfig(
    int HiddenSize,
    int IntermediateSize,
    int Layers,
    int Heads,
    int PatchSize,
    int ImageSize,
    int Channels,
    string HiddenAct,
    float LayerNormEps)
{
    public static VisionConfig SigLipSo400m { get; } = new(1152, 4304, 27, 16, 14, 384, 3, "gelu_pytorch_tanh", 1e-6f);
}

/// <summary>One anyres pinpoint, <c>[width, height]</c> as stored in <c>image_grid_pinpoints</c>.</summary>
public readonly record struct GridPinpoint(int Width, int Height);

/// <summary>LLaVA-style multimodal keys of config.json (§2.3).</summary>
public sealed record MultimodalConfig(
    string? VisionTower,
    int MmHiddenSize,
    string ProjectorType,
    string ImageAspectRatio,
    ImmutableArray<GridPinpoint> GridPinpoints,
    string PatchMergeType,
    string NewlinePosition,
    int SpatialPoolStride,
    string SpatialPoolMode,
    int? TokenizerModelMaxLength);

/// <summary>A parsed <c>config.json</c>: the language tower, and for LLaVA-style checkpoints the vision side.</summary>
public sealed partial record ModelConfig(string ModelType, LanguageConfig Language, MultimodalConfig? Multimodal, VisionConfig? Vision)
{
    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException(CheckpointErrorKind.MissingFile, path, null, $"The checkpoint has no config.json at {path}.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(CheckpointErrorKind.InvalidConfig, path, null, $"{path} is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException or ArgumentException)
        {
            // Valid JSON of the wrong shape (a string where a number belongs, a short [w, h] pair, a fraction for
            // an integer): found by the corrupt-input campaign (issue 14 §5).
            throw new CheckpointException(CheckpointErrorKind.InvalidConfig, path, null, $"{path} has a value of the wrong type or shape: {e.Message} Compare it with the checkpoint's published config.json.");
        }
    }

    public static ModelConfig Parse(JsonElement root, string path)
    {
        var modelType = Str(root, "model_type") ?? throw Invalid(path, "model_type");
        int Req(params string[] keys) => Int(root, keys) ?? throw Invalid(path, keys[0]);
        var hidden = Req("hidden_size", "d_model");
        var heads = Req("num_attention_heads", "n_heads");
        var language = new LanguageConfig(
            modelType,
            hidden,
            Req("intermediate_size", "mlp_hidden_size"),
            Req("num_hidden_layers", "n_layers"),
            heads,
            Int(root, "num_key_value_heads", "n_kv_heads") ?? heads,
            // The original LLaDA config's embedding_size (126464) is the real row count; vocab_size may be smaller.
            Int(root, "embedding_size", "vocab_size") ?? throw Invalid(path, "vocab_size"),
            (float)(Dbl(root, "rope_theta") ?? 10000.0),
            (float)(Dbl(root, "rms_norm_eps") ?? 1e-5),
            Int(root, "eos_token_id"),
            Int(root, "mask_token_id"));
        if (hidden % heads != 0 || language.Heads % language.KvHeads != 0)
        {
            throw new CheckpointException(CheckpointErrorKind.InvalidConfig, path, null, $"{path}: hidden_size {hidden} / heads {heads} / kv heads {language.KvHeads} are inconsistent.");
        }

        MultimodalConfig? mm = null;
        VisionConfig? vision = null;
        if (root.TryGetProperty("mm_hidden_size", out _) || root.TryGetProperty("mm_vision_tower", out _))
        {
            mm = new MultimodalConfig(
                Str(root, "mm_vision_tower"),
                Int(root, "mm_hidden_size") ?? VisionConfig.SigLipSo400m.HiddenSize,
                Str(root, "mm_projector_type") ?? "mlp2x_gelu",
                Str(root, "image_aspect_ratio") ?? "anyres_max_4",
                Pinpoints(root),
                Str(root, "mm_patch_merge_type") ?? "spatial_unpad",
                Str(root, "mm_newline_position") ?? "grid",
                Int(root, "mm_spatial_pool_stride") ?? 2,
                Str(root, "mm_spatial_pool_mode") ?? "bilinear",
                Int(root, "tokenizer_model_max_length"));
            var d = VisionConfig.SigLipSo400m;
            vision = root.TryGetProperty("vision_config", out var v) && v.ValueKind == JsonValueKind.Object
                ? new VisionConfig(
                    Int(v, "hidden_size") ?? d.HiddenSize,
                    Int(v, "intermediate_size") ?? d.IntermediateSize,
                    Int(v, "num_hidden_layers") ?? d.Layers,
                    Int(v, "num_attention_heads") ?? d.Heads,
                    Int(v, "patch_size") ?? d.PatchSize,
                    Int(v, "image_size") ?? d.ImageSize,
                    Int(v, "num_channels") ?? d.Channels,
                    Str(v, "hidden_act") ?? d.HiddenAct,
                    (float)(Dbl(v, "layer_norm_eps") ?? d.LayerNormEps))
                : d;
        }

        return new ModelConfig(modelType, language, mm, vision);
    }

    private static CheckpointException Invalid(string path, string key) =>
        new(CheckpointErrorKind.InvalidConfig, path, null, $"{path} lacks the required key {key}.");

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (e.TryGetProperty(key, out var v))
            {
                // eos_token_id may be a list in HF configs; the first entry is the primary one.
                if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0)
                {
                    v = v[0];
                }

                if (v.ValueKind == JsonValueKind.Number)
                {
                    return v.GetInt32();
                }
            }
        }

        return null;
    }

    private static double? Dbl(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>Either a list of <c>[w, h]</c> pairs or LLaVA's <c>"(1x1),...,(6x6)"</c> shorthand (× 384, §2.3).</summary>
    private static ImmutableArray<GridPinpoint> Pinpoints(JsonElement root)
    {
        if (!root.TryGetProperty("image_grid_pinpoints", out var v))
        {
            return [];
        }

        if (v.ValueKind == JsonValueKind.Array)
        {
            return [.. v.EnumerateArray().Select(p => new GridPinpoint(p[0].GetInt32(), p[1].GetInt32()))];
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            var ranges = GridRange().Matches(v.GetString() ?? string.Empty).Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToArray();
            if (ranges.Length >= 2)
            {
                var (a0, b0) = ranges[0];
                var (a1, b1) = ranges[^1];
                var list = ImmutableArray.CreateBuilder<GridPinpoint>();
                for (var i = a0; i <= a1; i++)
                {
                    for (var j = b0; j <= b1; j++)
                    {
                        list.Add(new GridPinpoint(384 * i, 384 * j));
                    }
                }

                return list.ToImmutable();
            }
        }

        return [];
    }

    [GeneratedRegex(@"\((\d+)x(\d+)\)")]
    private static partial Regex GridRange();
}
