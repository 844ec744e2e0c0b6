using LLaDAV.Eval.Media.Resampling;

namespace LLaDAV.Eval.Media.Images;

/// <summary>The geometric steps of the LLaVA / HF vision preprocessors besides resizing: crop, paste, pad.</summary>
public static class ImageOps
{
    /// <summary>
    /// PIL's <c>Image.crop((left, top, left + width, top + height))</c>: parts of the box outside the image are black.
    /// </summary>
    public static RgbImage Crop(RgbImage image, int left, int top, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        var canvas = Fill(width, height, RgbColor.Black);
        Blit(image, canvas, width, height, -left, -top);
        return new RgbImage(width, height, canvas);
    }

    /// <summary>
    /// <c>Image.new("RGB", (width, height), background).paste(image, (x, y))</c>: the image placed on a solid canvas,
    /// clipped to it.
    /// </summary>
    public static RgbImage PasteOnto(RgbImage image, int width, int height, int x, int y, RgbColor background)
    {
        ArgumentNullException.ThrowIfNull(image);
        var canvas = Fill(width, height, background);
        Blit(image, canvas, width, height, x, y);
        return new RgbImage(width, height, canvas);
    }

    /// <summary>
    /// LLaVA-NeXT <c>mm_utils.resize_and_pad_image</c>: fit inside the target keeping the aspect ratio (the limiting side
    /// exact, the other <c>min(ceil(side * scale), target)</c>), resize with PIL's default BICUBIC, centre on black.
    /// </summary>
    public static RgbImage ResizeAndPad(RgbImage image, int targetWidth, int targetHeight, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scaleW = (double)targetWidth / image.Width;
        var scaleH = (double)targetHeight / image.Height;
        int newWidth, newHeight;
        if (scaleW < scaleH)
        {
            newWidth = targetWidth;
            newHeight = Math.Min((int)Math.Ceiling(image.Height * scaleW), targetHeight);
        }
        else
        {
            newHeight = targetHeight;
            newWidth = Math.Min((int)Math.Ceiling(image.Width * scaleH), targetWidth);
        }

        var resized = PilResize.Resize(image, newWidth, newHeight, filter);
        return PasteOnto(resized, targetWidth, targetHeight, (targetWidth - newWidth) / 2, (targetHeight - newHeight) / 2, RgbColor.Black);
    }

    /// <summary>LLaVA <c>expand2square</c>: pad the short side to a square, image centred (offset floored).</summary>
    public static RgbImage ExpandToSquare(RgbImage image, RgbColor background)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == image.Height)
        {
            return image;
        }

        var side = Math.Max(image.Width, image.Height);
        return PasteOnto(image, side, side, (side - image.Width) / 2, (side - image.Height) / 2, background);
    }

    private static byte[] Fill(int width, int height, RgbColor colour)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = new byte[checked(width * height * 3)];
        if (colour != RgbColor.Black)
        {
            for (var i = 0; i < pixels.Length; i += 3)
            {
                pixels[i] = colour.R;
                pixels[i + 1] = colour.G;
                pixels[i + 2] = colour.B;
            }
        }

        return pixels;
    }

    /// <summary>Copies <paramref name="image"/> to (<paramref name="x"/>, <paramref name="y"/>) of the canvas, clipped.</summary>
    private static void Blit(RgbImage image, byte[] canvas, int width, int height, int x, int y)
    {
        var x0 = Math.Max(x, 0);
        var x1 = Math.Min(x + image.Width, width);
        for (var row = Math.Max(y, 0); row < Math.Min(y + image.Height, height) && x1 > x0; row++)
        {
            image.Pixels.AsSpan(((((row - y) * image.Width) + (x0 - x)) * 3), (x1 - x0) * 3)
                .CopyTo(canvas.AsSpan(((row * width) + x0) * 3));
        }
    }
}
