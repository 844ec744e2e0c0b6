using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;
using LLaDAV.Eval.Media.Tests.Oracles;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>Every case and every listed resize of testdata/images/manifest.json (PIL 9.4's output).</summary>
public sealed class ImageOracleTests(ITestOutputHelper output)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RgbImage> s_decoded = new();

    public static TheoryData<string> Cases() => new(ImageManifest.Cases.Select(c => c.Name));

    public static TheoryData<string> OpaqueCases() => new(ImageManifest.Cases.Where(c => c.WhiteRgb is null).Select(c => c.Name));

    public static TheoryData<string, int, int> Resizes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var c in ImageManifest.Cases)
        {
            foreach (var r in c.Resized)
            {
                data.Add(c.Name, r.Width, r.Height);
            }
        }

        return data;
    }

    /// <summary>
    /// Exact for every case, JPEG, CMYK JPEG and lossy WebP included: measured 0 differing bytes with SkiaSharp 4.156's
    /// built-in libjpeg-turbo and libwebp, which use the settings Debian's PIL 9.4 uses (libjpeg's default accurate
    /// integer IDCT and fancy upsampling, libwebp's default fancy upsampling, Adobe-inverted CMYK). A different
    /// library build would show up here first.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_PIL_convert_RGB(string name)
    {
        var c = ImageManifest.Case(name);
        var image = Decoded(c);
        Assert.Equal((c.Width, c.Height), (image.Width, image.Height));
        var diff = PixelDiff.Of(ImageManifest.Pixels(c.DecodedRgb), image.Pixels);
        output.WriteLine($"{name} decode: {diff}");
        Assert.True(diff.MaxAbs == 0, $"{name}: {diff}");
    }

    [Theory]
    [MemberData(nameof(Resizes))]
    public void Bicubic_resize_of_PIL_decoded_pixels_is_bit_exact(string name, int width, int height)
    {
        var c = ImageManifest.Case(name);
        var source = new RgbImage(c.Width, c.Height, ImageManifest.Pixels(c.DecodedRgb));
        var expected = ImageManifest.Pixels(c.Resized.Single(r => r.Width == width && r.Height == height).Rgb);
        var resized = PilResize.Resize(source, width, height, ResampleFilter.Bicubic);
        var diff = PixelDiff.Of(expected, resized.Pixels);
        Assert.True(diff.MaxAbs == 0, $"{name} → {width}x{height}: {diff}");
    }

    /// <summary>
    /// Decode then resize, against PIL's resize of PIL's decode. The tolerance is the decoder difference measured on the
    /// same input (0 for lossless formats, and 0 for JPEG too where Skia's libjpeg-turbo matches PIL's):
    /// a convolution whose weights sum to one cannot amplify a bounded input difference, beyond the ±1 of re-rounding.
    /// </summary>
    [Theory]
    [MemberData(nameof(Resizes))]
    public void Decode_then_bicubic_resize_matches_PIL(string name, int width, int height)
    {
        var c = ImageManifest.Case(name);
        var decoded = Decoded(c);
        var decodeDiff = PixelDiff.Of(ImageManifest.Pixels(c.DecodedRgb), decoded.Pixels);
        var tolerance = decodeDiff.MaxAbs == 0 ? 0 : decodeDiff.MaxAbs + 1;
        var resized = PilResize.Resize(decoded, width, height, ResampleFilter.Bicubic);
        var diff = PixelDiff.Of(ImageManifest.Pixels(c.Resized.Single(r => r.Width == width && r.Height == height).Rgb), resized.Pixels);
        output.WriteLine($"{name} decode: {decodeDiff}; resized {width}x{height}: {diff}");
        Assert.True(diff.MaxAbs <= tolerance, $"{name} → {width}x{height}: {diff} (decode: {decodeDiff})");
    }

    [Fact]
    public void Composite_on_white_matches_HF_convert_to_rgb()
    {
        var c = ImageManifest.Case("rgba.png");
        var image = ImageDecoder.DecodeFile(c.InputPath, AlphaMode.CompositeOnWhite);
        var diff = PixelDiff.Of(ImageManifest.Pixels(c.WhiteRgb!), image.Pixels);
        Assert.True(diff.MaxAbs == 0, diff.ToString());
    }

    [Theory]
    [MemberData(nameof(OpaqueCases))]
    public void Opaque_images_are_unchanged_by_white_compositing(string name)
    {
        var c = ImageManifest.Case(name);
        Assert.Equal(Decoded(c).Pixels, ImageDecoder.DecodeFile(c.InputPath, AlphaMode.CompositeOnWhite).Pixels);
    }

    /// <summary>Each input is decoded once per run.</summary>
    private static RgbImage Decoded(ImageCase c) => s_decoded.GetOrAdd(c.Name, _ => ImageDecoder.DecodeFile(c.InputPath));
}
