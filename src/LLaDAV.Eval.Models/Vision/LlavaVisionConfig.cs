using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The multimodal keys of a LLaVA-style <c>config.json</c> (LLADAV-MODEL.md §2.3) that the vision stack needs.
/// </summary>
public sealed partial record LlavaVisionConfig(
    SigLipTowerConfig Tower,
    int LanguageHiddenSize,
    int MmHiddenSize,
    string ProjectorType,
    string ImageAspectRatio,
    ImmutableArray<PixelSize> GridPinpoints,
    string PatchMergeType,
    string NewlinePosition,
    int SpatialPoolStride,
    string SpatialPoolMode)
{
    /// <summary>
    /// The anyres settings, or <c>null</c> when <see cref="ImageAspectRatio"/> is not <c>anyres_max_N</c>
    /// (the only anyres variant LLaDA-V and its baseline use).
    /// </summary>
    public AnyResSettings? AnyRes => AnyResSettings.TryParseMaxTiles(ImageAspectRatio, out var n)
        ? new AnyResSettings(GridPinpoints, Tower.ImageSize, Tower.PatchSize, n)
        : null;

    public static LlavaVisionConfig FromFile(string configJsonPath)
    {
        using var stream = File.OpenRead(configJsonPath);
        using var doc = JsonDocument.Parse(stream);
        return FromJson(doc.RootElement);
    }

    public static LlavaVisionConfig FromJson(JsonElement root)
    {
        var tower = new SigLipTowerConfig();
        if (root.TryGetProperty("vision_config", out var vc) && vc.ValueKind == JsonValueKind.Object)
        {
            tower = new SigLipTowerConfig(
                Int(vc, "hidden_size", tower.HiddenSize),
                Int(vc, "intermediate_size", tower.IntermediateSize),
                Int(vc, "num_hidden_layers", tower.NumHiddenLayers),
                Int(vc, "num_attention_heads", tower.NumAttentionHeads),
                Int(vc, "patch_size", tower.PatchSize),
                Int(vc, "image_size", tower.ImageSize),
                Int(vc, "num_channels", tower.NumChannels),
                vc.TryGetProperty("layer_norm_eps", out var eps) && eps.ValueKind == JsonValueKind.Number ? eps.GetDouble() : tower.LayerNormEps,
                Str(vc, "hidden_act", tower.HiddenAct));
        }

        var pinpoints = root.TryGetProperty("image_grid_pinpoints", out var gp)
            ? ParsePinpoints(gp, tower.ImageSize)
            : [];
        return new LlavaVisionConfig(
            tower,
            Int(root, "hidden_size", 4096),
            Int(root, "mm_hidden_size", tower.HiddenSize),
            Str(root, "mm_projector_type", "mlp2x_gelu"),
            Str(root, "image_aspect_ratio", "anyres_max_4"),
            pinpoints,
            Str(root, "mm_patch_merge_type", "spatial_unpad"),
            Str(root, "mm_newline_position", "grid"),
            // lmms-eval's llava_onevision passes mm_spatial_pool_stride=2 / mode bilinear as overrides; the
            // published config stores null (LLADAV-MODEL.md §2.3), so null means the evaluator's value.
            Int(root, "mm_spatial_pool_stride", 2),
            Str(root, "mm_spatial_pool_mode", "bilinear"));
    }

    /// <summary>
    /// Either a JSON list of <c>[w, h]</c> pairs or LLaVA-NeXT's range string <c>"(1x1),...,(6x6)"</c>, which
    /// <c>process_anyres_image</c> expands to every (i, j) between the first and last pair (i outer), times the
    /// tile size.
    /// </summary>
    internal static ImmutableArray<PixelSize> ParsePinpoints(JsonElement value, int tileSize)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                return [.. value.EnumerateArray().Select(pair =>
                {
                    var xs = pair.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    return xs.Length == 2 ? new PixelSize(xs[0], xs[1]) : throw new FormatException("image_grid_pinpoints entries must be [width, height] pairs.");
                })];
            case JsonValueKind.String:
                var matches = RangePattern().Matches(value.GetString() ?? string.Empty);
                if (matches.Count < 2)
                {
                    throw new FormatException($"Cannot read image_grid_pinpoints '{value.GetString()}'.");
                }

                static (int, int) Pair(Match m) => (
                    int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                    int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                var (i0, j0) = Pair(matches[0]);
                var (i1, j1) = Pair(matches[^1]);
                var list = ImmutableArray.CreateBuilder<PixelSize>();
                for (var i = i0; i <= i1; i++)
                {
                    for (var j = j0; j <= j1; j++)
                    {
                        list.Add(new PixelSize(i * tileSize, j * tileSize));
                    }
                }

                return list.ToImmutable();
            default:
                return [];
        }
    }

    private static int Int(JsonElement e, string name, int fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    private static string Str(JsonElement e, string name, string fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? fallback : fallback;

    [GeneratedRegex(@"\((\d+)x(\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();
}
