using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;
using LLaDAV.Eval.Media.Tests.Oracles;
using Xunit.Abstractions;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>Every case and every listed resize of testdata/images/manifest.json (PIL 9.4's output).</summary>
public sealed class ImageOracleTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => new(ImageManifest.Cases.Select(c => c.Name));

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

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_PIL_convert_RGB(string name)
    {
        var c = ImageManifest.Case(name);
        var image = ImageDecoder.DecodeFile(c.InputPath);
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
}
