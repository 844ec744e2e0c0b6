using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

public sealed class ImagePreprocessingTests
{
    private static RgbImage Solid(int w, int h, byte r, byte g, byte b)
    {
        var px = new byte[w * h * 3];
        for (var i = 0; i < w * h; i++)
        {
            (px[i * 3], px[(i * 3) + 1], px[(i * 3) + 2]) = (r, g, b);
        }

        return new RgbImage(w, h, px);
    }

    private static byte[] At(RgbImage im, int x, int y) => im.Pixels.AsSpan(((y * im.Width) + x) * 3, 3).ToArray();

    [Fact]
    public void Tiles_are_row_major()
    {
        var px = new byte[4 * 2 * 3];
        for (var i = 0; i < 8; i++)
        {
            px[i * 3] = (byte)i; // pixel (x, y) has red = y*4 + x
        }

        var tiles = LlavaImagePreprocessor.DivideToPatches(new RgbImage(4, 2, px), 2);
        Assert.Equal(2, tiles.Count);
        Assert.Equal(new byte[] { 0, 1, 4, 5 }, tiles[0].Pixels.Where((_, i) => i % 3 == 0).ToArray());
        Assert.Equal(new byte[] { 2, 3, 6, 7 }, tiles[1].Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void AnyRes_crops_are_base_then_tiles_of_the_black_padded_canvas()
    {
        // A resizer that paints the requested size white, so the paste window is visible on the canvas.
        var calls = new List<(int W, int H)>();
        RgbImage Paint(RgbImage _, int w, int h)
        {
            calls.Add((w, h));
            return Solid(w, h, 255, 255, 255);
        }

        var settings = LlavaVisionConfig.FromFile(ReferenceFiles.ConfigPath(ReferenceFiles.Lladav)).AnyRes!;
        var crops = new LlavaImagePreprocessor(384, Paint).AnyRes(Solid(520, 300, 9, 9, 9), settings);

        // Fit 520x300 into 768x384: 666x384 pasted at x = 51 (see AnyResPlannerTests), then the 384² base.
        Assert.Equal([(666, 384), (384, 384)], calls);
        Assert.Equal(3, crops.Crops.Count);
        var plane = 384 * 384;
        var tile0 = crops.Crops.Crop(1);
        var tile1 = crops.Crops.Crop(2);
        Assert.Equal(-1f, tile0[50]);           // canvas x = 50: black padding
        Assert.Equal(1f, tile0[51]);            // canvas x = 51: first resized column
        Assert.Equal(1f, tile1[(768 - 51 - 1) - 384]); // canvas x = 716: last resized column
        Assert.Equal(-1f, tile1[717 - 384]);    // canvas x = 717: black again
        Assert.Equal(1f, crops.Crops.Crop(0)[2 * plane]); // base crop is the (white) resized image
    }

    [Fact]
    public void Pad_path_centres_each_image_on_a_gray_square_before_the_stretch()
    {
        // 4x2 -> 4x4 with the image on rows 1..2; the resizer then sees a square and stretches it.
        RgbImage? seen = null;
        var p = new LlavaImagePreprocessor(8, (im, w, h) => { seen = im; return Solid(w, h, 0, 0, 0); });
        p.PadToSquare([Solid(4, 2, 255, 255, 255)]);
        Assert.Equal((4, 4), (seen!.Width, seen.Height));
        Assert.Equal(new byte[] { 127, 127, 127 }, At(seen, 0, 0));
        Assert.Equal(new byte[] { 255, 255, 255 }, At(seen, 0, 1));
        Assert.Equal(new byte[] { 255, 255, 255 }, At(seen, 3, 2));
        Assert.Equal(new byte[] { 127, 127, 127 }, At(seen, 3, 3));
    }

    [Fact]
    public void Square_images_skip_the_resize_like_pil()
    {
        var p = new LlavaImagePreprocessor(384, (_, _, _) => throw new InvalidOperationException("resize must not run"));
        var batch = p.VideoFrames([Solid(384, 384, 255, 0, 255)]);
        Assert.Equal(1f, batch.Crop(0)[0]);
        Assert.Equal(-1f, batch.Crop(0)[384 * 384]);
    }
}
