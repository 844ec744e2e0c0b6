using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>Resizes an image to exactly <c>width × height</c> the way PIL's <c>Image.resize(size, BICUBIC)</c> does.</summary>
public delegate RgbImage BicubicResizer(RgbImage image, int width, int height);

/// <summary>
/// The CPU half of LLaVA-NeXT's visual input pipeline (LLADAV-MODEL.md §4): crops from images for the three
/// ways lmms-eval's <c>llava_onevision</c> model feeds visuals (one image: anyres; several: pad; video frames).
/// </summary>
public sealed class LlavaImagePreprocessor
{
    /// <summary>
    /// <c>expand2square</c>'s background: <c>tuple(int(x * 255) for x in image_processor.image_mean)</c> with
    /// SigLIP's mean 0.5, i.e. 127 gray (<c>llava/mm_utils.py process_images</c>, <c>"pad"</c>).
    /// </summary>
    public const byte SquarePadFill = 127;

    private readonly BicubicResizer _resize;

    public LlavaImagePreprocessor(int imageSize, BicubicResizer bicubicResize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        ArgumentNullException.ThrowIfNull(bicubicResize);
        ImageSize = imageSize;
        _resize = bicubicResize;
    }

    /// <summary>The tower's input side (384), the processor's <c>size</c> and <c>crop_size</c>.</summary>
    public int ImageSize { get; }

    /// <summary>
    /// <c>SigLipImageProcessor.preprocess</c> for each image: stretch to <c>ImageSize²</c> with bicubic (aspect
    /// not kept), rescale and normalize (<see cref="SigLipNormalizer"/>).
    /// </summary>
    public CropBatch Preprocess(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("Nothing to preprocess.", nameof(images));
        }

        var batch = new CropBatch(images.Count, ImageSize, new float[images.Count * 3 * ImageSize * ImageSize]);
        for (var i = 0; i < images.Count; i++)
        {
            var square = Resize(images[i], ImageSize, ImageSize);
            SigLipNormalizer.ToChannelsFirst(square, batch.Pixels.AsSpan(i * batch.CropLength, batch.CropLength));
        }

        return batch;
    }

    /// <summary>
    /// <c>mm_utils.process_anyres_image</c>: resize-and-pad onto the best pinpoint (black canvas), cut it into
    /// tiles, and put the whole image stretched to <c>ImageSize²</c> first (the upstream "FIXME: resizes instead
    /// of pad" base crop).
    /// </summary>
    public AnyResCrops AnyRes(RgbImage image, AnyResSettings settings)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.TileSize != ImageSize)
        {
            throw new ArgumentException($"anyres tiles of {settings.TileSize}px do not match the processor's {ImageSize}px crops.", nameof(settings));
        }

        var layout = AnyResPlanner.Plan(new PixelSize(image.Width, image.Height), settings);
        var resized = Resize(image, layout.Resized.Width, layout.Resized.Height);
        var canvas = ImageCanvas.Paste(resized, layout.BestResolution.Width, layout.BestResolution.Height, layout.PasteLeft, layout.PasteTop, fill: 0);
        List<RgbImage> crops = [Resize(image, ImageSize, ImageSize), .. ImageCanvas.Tiles(canvas, settings.TileSize)];
        return new AnyResCrops(layout, Preprocess(crops));
    }

    /// <summary>
    /// <c>process_images</c> with <c>image_aspect_ratio = "pad"</c> (lmms-eval's multi-image case): each image
    /// centred on a gray square of its longer side, then preprocessed.
    /// </summary>
    public CropBatch PadToSquare(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Preprocess([.. images.Select(im => ImageCanvas.ExpandToSquare(im, SquarePadFill))]);
    }

    /// <summary>
    /// Video frames (lmms-eval <c>llava_onevision</c>): every frame goes straight through <c>preprocess</c>,
    /// stretched to <c>ImageSize²</c>.
    /// </summary>
    public CropBatch VideoFrames(IReadOnlyList<RgbImage> frames) => Preprocess(frames);

    // PIL's Image.resize returns a copy when the size is unchanged, so a same-size resize is the identity.
    private RgbImage Resize(RgbImage image, int width, int height) =>
        image.Width == width && image.Height == height ? image : _resize(image, width, height);
}
