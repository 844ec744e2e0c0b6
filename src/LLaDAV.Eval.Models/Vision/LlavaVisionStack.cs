using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// LLaVA-NeXT's visual side for LLaDA-V and the LLaMA3-V baseline: preprocessing, SigLIP tower, mlp2x_gelu
/// projector and the token layouts of <c>llava_arch.py prepare_inputs_labels_for_multimodal</c>. Every
/// <c>Encode*</c> returns features <c>[visual_tokens, lm_hidden]</c> on the backend, ready to replace an image
/// placeholder (-200) in the language model's input embeddings; the caller disposes them.
/// </summary>
public sealed class LlavaVisionStack : IDisposable
{
    private readonly SigLipVisionTower _tower;
    private readonly MlpProjector _projector;
    private readonly Tensor _newline;

    private LlavaVisionStack(IComputeBackend backend, LlavaVisionConfig config, SigLipVisionTower tower, MlpProjector projector, Tensor newline, LlavaImagePreprocessor preprocessor)
    {
        Backend = backend;
        Config = config;
        _tower = tower;
        _projector = projector;
        _newline = newline;
        Preprocessor = preprocessor;
    }

    public IComputeBackend Backend { get; }

    public LlavaVisionConfig Config { get; }

    public LlavaImagePreprocessor Preprocessor { get; }

    /// <summary>Encoder layers actually run (those stored in the checkpoint).</summary>
    public int TowerLayers => _tower.LayerCount;

    /// <summary>Width of the features handed to the language model.</summary>
    public int OutputSize => _projector.OutputSize;

    /// <summary>
    /// The vision stack of a LLaVA-style checkpoint (<c>model.vision_tower.*</c>, <c>model.mm_projector.*</c>,
    /// <c>model.image_newline</c>) on <paramref name="backend"/>. The checkpoint must stay open while loading only.
    /// </summary>
    public static LlavaVisionStack Load(Checkpoint checkpoint, IComputeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Load(backend, LlavaVisionConfig.From(checkpoint.Config), new CheckpointVisionWeights(checkpoint, backend));
    }

    /// <summary>
    /// Builds the stack from checkpoint tensors, preprocessing with Pillow-exact bicubic from
    /// <c>LLaDAV.Eval.Media</c> (what the Python pipeline does).
    /// </summary>
    public static LlavaVisionStack Load(IComputeBackend backend, LlavaVisionConfig config, IVisionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        var tower = new SigLipVisionTower(backend, config.Tower, weights);
        MlpProjector? projector = null;
        try
        {
            if (config.AnyRes is not null && config.PatchMergeType != "spatial_unpad")
            {
                // Only the spatial_unpad + anyres_max_N branch of prepare_inputs_labels_for_multimodal is ported.
                throw new NotSupportedException($"mm_patch_merge_type '{config.PatchMergeType}' with '{config.ImageAspectRatio}' is not supported; LLaDA-V uses 'spatial_unpad'.");
            }

            if (config.MmHiddenSize != config.Tower.HiddenSize)
            {
                throw new InvalidDataException($"mm_hidden_size {config.MmHiddenSize} differs from the tower's hidden_size {config.Tower.HiddenSize}.");
            }

            projector = new MlpProjector(config.ProjectorType, config.MmHiddenSize, config.LanguageHiddenSize, weights);
            var newline = weights.Load(VisionWeightNames.ImageNewline, config.LanguageHiddenSize);

            return new LlavaVisionStack(backend, config, tower, projector, newline, new LlavaImagePreprocessor(config.Tower.ImageSize));
        }
        catch
        {
            projector?.Dispose();
            tower.Dispose();
            throw;
        }
    }

    /// <summary>The anyres layout and visual token count of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public AnyResLayout Plan(int width, int height) => AnyResPlanner.Plan(new PixelSize(width, height), RequireAnyRes());

    /// <summary>Visual tokens one image placeholder expands to, without running the model.</summary>
    public int ImageTokenCount(int width, int height) =>
        Config.AnyRes is null ? _tower.PatchesPerCrop : Plan(width, height).VisualTokens;

    /// <summary>
    /// One image (lmms-eval's single-image path): <c>anyres_max_N</c> crops → tower → projector → unpad,
    /// downsample, newline per row, after the base crop's tokens. Returns <c>[Plan(w,h).VisualTokens, lm_hidden]</c>.
    /// A checkpoint without anyres treats the image like one of several (<see cref="EncodeImages"/>).
    /// </summary>
    public Tensor EncodeImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Config.AnyRes is not { } settings)
        {
            return EncodeImages([image])[0];
        }

        return EncodeImage(Preprocessor.AnyRes(image, settings));
    }

    /// <summary><see cref="EncodeImage(RgbImage)"/> from crops already preprocessed (<see cref="LlavaImagePreprocessor.AnyRes"/>).</summary>
    public Tensor EncodeImage(AnyResCrops crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        var settings = RequireAnyRes();
        using var features = EncodeCrops(crops.Crops);
        return FeatureLayouts.AnyRes(features, crops.Layout, settings.PatchesPerSide, _newline);
    }

    /// <summary>
    /// Several images in one request (lmms-eval switches <c>image_aspect_ratio</c> to <c>"pad"</c>): each image is
    /// padded to a gray square and gives exactly one crop's tokens (729, no newline), because the stacked 4-D
    /// tensor takes the non-anyres branch. Element k replaces the k-th placeholder.
    /// </summary>
    public IReadOnlyList<Tensor> EncodeImages(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return EncodeImages(Preprocessor.PadToSquare(images));
    }

    /// <summary><see cref="EncodeImages(IReadOnlyList{RgbImage})"/> from squares already preprocessed (<see cref="LlavaImagePreprocessor.PadToSquare"/>), one per image.</summary>
    public IReadOnlyList<Tensor> EncodeImages(CropBatch crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        using var features = EncodeCrops(crops);
        var perImage = _tower.PatchesPerCrop;
        var result = new List<Tensor>(crops.Count);
        for (var i = 0; i < crops.Count; i++)
        {
            var t = Backend.Allocate(new TensorShape(perImage, OutputSize));
            Backend.Copy(features.Rows(i * perImage, perImage), t);
            result.Add(t);
        }

        return result;
    }

    /// <summary>
    /// Video frames (one placeholder): frames stretched to the tower size → tower → projector →
    /// <c>get_2dPool</c> (bilinear, <c>mm_spatial_pool_stride</c>) → the <c>mm_newline_position</c> layout
    /// (<c>grid</c>: 32 frames give 32·14·15 = 6720 tokens).
    /// </summary>
    public Tensor EncodeVideo(IReadOnlyList<RgbImage> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return EncodeVideo(Preprocessor.VideoFrames(frames));
    }

    /// <summary><see cref="EncodeVideo(IReadOnlyList{RgbImage})"/> from frames already preprocessed (<see cref="LlavaImagePreprocessor.VideoFrames"/>).</summary>
    public Tensor EncodeVideo(CropBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (Config.SpatialPoolMode != "bilinear")
        {
            throw new NotSupportedException($"mm_spatial_pool_mode '{Config.SpatialPoolMode}' is not supported; lmms-eval evaluates LLaDA-V with 'bilinear'.");
        }

        using var features = EncodeCrops(frames);
        using var pooled = FeatureLayouts.PoolFrames(features, Config.Tower.PatchesPerSide, Config.SpatialPoolStride, out var side);
        return FeatureLayouts.VideoTokens(pooled, side, Config.NewlinePosition, _newline);
    }

    /// <summary>Visual tokens of a video of <paramref name="frames"/> frames.</summary>
    public int VideoTokenCount(int frames)
    {
        var side = (Config.Tower.PatchesPerSide + Config.SpatialPoolStride - 1) / Config.SpatialPoolStride;
        return Config.NewlinePosition switch
        {
            "grid" => frames * side * (side + 1),
            "frame" => frames * ((side * side) + 1),
            "one_token" => (frames * side * side) + 1,
            _ => frames * side * side,
        };
    }

    /// <summary>Tower then projector on preprocessed crops: <c>[crops·729, lm_hidden]</c> (<c>encode_images</c>).</summary>
    public Tensor EncodeCrops(CropBatch crops)
    {
        using var hidden = EncodeTower(crops);
        return _projector.Forward(hidden);
    }

    /// <summary>The tower's last kept hidden state, <c>[crops·729, vision_hidden]</c>, before the projector.</summary>
    public Tensor EncodeTower(CropBatch crops) => _tower.Forward(crops);

    public void Dispose()
    {
        _tower.Dispose();
        _projector.Dispose();
        _newline.Dispose();
    }

    private AnyResSettings RequireAnyRes() =>
        Config.AnyRes ?? throw new InvalidOperationException($"image_aspect_ratio '{Config.ImageAspectRatio}' is not anyres_max_N.");
}
