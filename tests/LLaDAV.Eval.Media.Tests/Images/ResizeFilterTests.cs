using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>Filters the oracle manifest does not cover, on images small enough to work out by hand from Resample.c.</summary>
public sealed class ResizeFilterTests
{
    [Fact]
    public void Bilinear_upscale_of_a_two_pixel_ramp()
    {
        // 2 → 4: centres 0.25, 0.75, 1.25, 1.75; support 1. Pixel 1 weighs (0.75, 0.25) → 63.75, rounded up → 64;
        // pixel 2 (0.25, 0.75) → 191.25 → 191; the outer pixels have one tap each.
        var image = Gray(2, 1, [0, 255]);
        Assert.Equal(new byte[] { 0, 64, 191, 255 }, Channel(PilResize.Resize(image, 4, 1, ResampleFilter.Bilinear)));
    }

    [Fact]
    public void Bicubic_downscale_by_two_of_a_flat_image_is_flat()
    {
        var image = Gray(8, 6, Enumerable.Repeat((byte)77, 48).ToArray());
        Assert.All(PilResize.Resize(image, 4, 3).Pixels, p => Assert.Equal(77, p));
    }

    [Fact]
    public void Nearest_takes_the_pixel_under_each_output_centre()
    {
        // 5 → 2: step 2.5, centres 1.25 and 3.75 → source pixels 1 and 3. 3 → 7 (vertical): step 3/7, centres
        // (i + 0.5)·3/7 = 0.21, 0.64, 1.07, 1.5, 1.93, 2.36, 2.79 → rows 0, 0, 1, 1, 1, 2, 2.
        var image = Gray(5, 3, [10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34]);
        var resized = PilResize.Resize(image, 2, 7, ResampleFilter.Nearest);
        Assert.Equal(new byte[] { 11, 13, 11, 13, 21, 23, 21, 23, 21, 23, 31, 33, 31, 33 }, Channel(resized));
    }

    [Fact]
    public void Same_size_is_a_copy()
    {
        var image = Gray(3, 2, [1, 2, 3, 4, 5, 6]);
        var copy = PilResize.Resize(image, 3, 2);
        Assert.Equal(image.Pixels, copy.Pixels);
        Assert.NotSame(image.Pixels, copy.Pixels);
    }

    private static RgbImage Gray(int width, int height, byte[] values) =>
        new(width, height, values.SelectMany(v => new[] { v, v, v }).ToArray());

    private static byte[] Channel(RgbImage image) => image.Pixels.Where((_, i) => i % 3 == 0).ToArray();
}
