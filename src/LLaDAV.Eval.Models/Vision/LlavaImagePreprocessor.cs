using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>Resizes an image to exactly <c>width × height</c> the way PIL's <c>Image.resize(size, BICUBIC)</c> does.</summary>
public delegate RgbImage BicubicResizer(RgbImage image, int width, int height);

/// <summary>
/// The CPU half of LLaVA-NeXT's visual input pipeline (docs/LLADAV-MODEL.md §4): crops from images for the three
/// ways lmms-eval's <c>llava_onevision</c> model feeds visuals (one image: anyres; several: pad; video frames).
/// </summary>
public sealed class LlavaImagePreprocessor
{
    /// <summary>
    /// <c>expand2square</c>'s background: <c>tuple(int(x * 255) for x in image_processor.image_mean)</c> with
    /// SigLIP's mean 0.5, i.e. 127 gray (<c>llava/mm_utils.py process_images</c>, <c>"pad"</c>).
    /// </summary>
    public static readonly RgbColor SquarePadFill = new(127, 127, 127);

    // SigLipImageProcessor defaults (siglip_encoder.py): image_mean = image_std = (0.5, 0.5, 0.5).
    private static readonly float[] Mean = [0.5f, 0.5f, 0.5f];
    private static readonly float[] Std = [0.5f, 0.5f, 0.5f];

    private readonly BicubicResizer _resize;

    /// <summary>With Pillow-exact bicubic from <c>LLaDAV.Eval.Media</c> (PIL's default filter in every resize here).</summary>
    public LlavaImagePreprocessor(int imageSize)
        : this(imageSize, static (image, w, h) => PilResize.Resize(image, w, h, ResampleFilter.Bicubic))
    {
    }

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
    /// not kept), rescale by 1/255 and normalize with mean = std = 0.5, channels first (docs/LLADAV-MODEL.md §3.3).
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
            TensorConversion.ToNormalizedChw(square, Mean, Std).CopyTo(batch.Pixels.AsSpan(i * batch.CropLength, batch.CropLength));
        }

        return batch;
    }

    /// <summary>
    /// <c>mm_utils.process_anyres_image</c>: resize-and-pad onto the best pinpoint (black canvas), cut it into
    /// tiles, and put the whole image stretched to <c>ImageSize²</c> first (upstream notes that this base crop "resizes instead
    /// of pad", and keeps it so).
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
        var canvas = ImageOps.PasteOnto(resized, layout.BestResolution.Width, layout.BestResolution.Height, layout.PasteLeft, layout.PasteTop, RgbColor.Black);
        List<RgbImage> crops = [Resize(image, ImageSize, ImageSize), .. DivideToPatches(canvas, settings.TileSize)];
        return new AnyResCrops(layout, Preprocess(crops));
    }

    /// <summary>
    /// <c>process_images</c> with <c>image_aspect_ratio = "pad"</c> (lmms-eval's multi-image case): each image
    /// centred on a gray square of its longer side, then preprocessed.
    /// </summary>
    public CropBatch PadToSquare(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Preprocess([.. images.Select(im => ImageOps.ExpandToSquare(im, SquarePadFill))]);
    }

    /// <summary>
    /// Video frames (lmms-eval <c>llava_onevision</c>): every frame goes straight through <c>preprocess</c>,
    /// stretched to <c>ImageSize²</c>.
    /// </summary>
    public CropBatch VideoFrames(IReadOnlyList<RgbImage> frames) => Preprocess(frames);

    /// <summary>
    /// <c>mm_utils.divide_to_patches</c>: row-major tiles (y outer, x inner); the anyres canvas is a whole number
    /// of tiles.
    /// </summary>
    internal static IReadOnlyList<RgbImage> DivideToPatches(RgbImage image, int tile)
    {
        if (image.Width % tile != 0 || image.Height % tile != 0)
        {
            throw new ArgumentException($"A {image.Width}x{image.Height} canvas is not a whole number of {tile}px tiles.", nameof(image));
        }

        var tiles = new List<RgbImage>();
        for (var y = 0; y < image.Height; y += tile)
        {
            for (var x = 0; x < image.Width; x += tile)
            {
                tiles.Add(ImageOps.Crop(image, x, y, tile, tile));
            }
        }

        return tiles;
    }

    // PIL's Image.resize returns a copy when the size is unchanged, so a same-size resize is the identity.
    private RgbImage Resize(RgbImage image, int width, int height) =>
        image.Width == width && image.Height == height ? image : _resize(image, width, height);
}
