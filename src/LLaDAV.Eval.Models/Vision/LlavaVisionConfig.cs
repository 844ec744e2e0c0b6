using System.Collections.Immutable;
using LLaDAV.Eval.Models.Checkpoints;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// What the vision stack needs from a LLaVA-style <c>config.json</c> (docs/LLADAV-MODEL.md §2.3), taken from the
/// checkpoint's parsed <see cref="ModelConfig"/> so config.json has one reader.
/// </summary>
public sealed record LlavaVisionConfig(
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

    public static LlavaVisionConfig FromFile(string configJsonPath) => From(ModelConfig.Load(configJsonPath));

    public static LlavaVisionConfig From(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mm = config.Multimodal
            ?? throw new InvalidDataException($"config.json of model_type '{config.ModelType}' has no multimodal keys (mm_vision_tower / mm_hidden_size).");
        // A config that names the tower only by path carries no vision_config: SigLIP2 so400m-patch14-384 (§3.1).
        var v = config.Vision ?? VisionConfig.SigLipSo400m;
        var tower = new SigLipTowerConfig(v.HiddenSize, v.IntermediateSize, v.Layers, v.Heads, v.PatchSize, v.ImageSize, v.Channels, v.LayerNormEps, v.HiddenAct);
        return new LlavaVisionConfig(
            tower,
            config.Language.HiddenSize,
            mm.MmHiddenSize,
            mm.ProjectorType,
            mm.ImageAspectRatio,
            [.. mm.GridPinpoints.Select(p => new PixelSize(p.Width, p.Height))],
            mm.PatchMergeType,
            mm.NewlinePosition,
            mm.SpatialPoolStride,
            mm.SpatialPoolMode);
    }
}
