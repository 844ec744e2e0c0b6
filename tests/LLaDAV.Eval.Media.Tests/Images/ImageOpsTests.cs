using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>Crop / paste / pad geometry, with expectations from PIL's and LLaVA-NeXT's definitions worked by hand.</summary>
public sealed class ImageOpsTests
{
    private static readonly RgbImage s_image = new(4, 2, Enumerable.Range(1, 24).Select(i => (byte)i).ToArray());

    [Fact]
    public void Crop_inside_copies_the_box()
    {
        var crop = ImageOps.Crop(s_image, 1, 1, 2, 1);
        Assert.Equal(new byte[] { 16, 17, 18, 19, 20, 21 }, crop.Pixels);
    }

    [Fact]
    public void Crop_outside_the_image_is_black_there()
    {
        var crop = ImageOps.Crop(s_image, 3, -1, 2, 2);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 10, 11, 12, 0, 0, 0 }, crop.Pixels);
    }

    [Fact]
    public void Paste_onto_a_grey_canvas()
    {
        var pasted = ImageOps.PasteOnto(new RgbImage(1, 1, [9, 8, 7]), 2, 2, 1, 0, RgbColor.MidGray);
        Assert.Equal(new byte[] { 127, 127, 127, 9, 8, 7, 127, 127, 127, 127, 127, 127 }, pasted.Pixels);
    }

    [Fact]
    public void Expand_to_square_centres_with_floored_offset()
    {
        // 4×2 → 4×4, offset (4 - 2) // 2 = 1 row.
        var square = ImageOps.ExpandToSquare(s_image, RgbColor.Black);
        Assert.Equal((4, 4), (square.Width, square.Height));
        Assert.All(square.Pixels[..12], p => Assert.Equal(0, p));
        Assert.Equal(s_image.Pixels, square.Pixels[12..36]);
        Assert.All(square.Pixels[36..], p => Assert.Equal(0, p));
    }

    [Fact]
    public void Resize_and_pad_fits_the_limiting_side_and_centres_on_black()
    {
        // 300×200 into 768×768: scale_w 2.56 < scale_h 3.84 → 768 × min(ceil(200·2.56) = 512, 768); paste at (0, 128).
        var flat = new RgbImage(300, 200, Enumerable.Repeat((byte)200, 300 * 200 * 3).ToArray());
        var padded = ImageOps.ResizeAndPad(flat, 768, 768);
        Assert.Equal((768, 768), (padded.Width, padded.Height));
        Assert.Equal(0, padded.Pixels[((127 * 768) + 5) * 3]);
        Assert.Equal(200, padded.Pixels[((128 * 768) + 5) * 3]);
        Assert.Equal(200, padded.Pixels[((639 * 768) + 767) * 3]);
        Assert.Equal(0, padded.Pixels[((640 * 768) + 5) * 3]);
    }
}
