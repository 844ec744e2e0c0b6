using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>The PIL pixel operations LLaVA's preprocessing uses besides resizing: new + paste, crop.</summary>
public static class ImageCanvas
{
    /// <summary>
    /// <c>Image.new("RGB", (width, height), fill)</c> then <c>paste(image, (left, top))</c>; the pasted image must lie
    /// inside the canvas (it always does in LLaVA's callers).
    /// </summary>
    public static RgbImage Paste(RgbImage image, int width, int height, int left, int top, byte fill)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (left < 0 || top < 0 || left + image.Width > width || top + image.Height > height)
        {
            throw new ArgumentOutOfRangeException(nameof(image), $"A {image.Width}x{image.Height} image at ({left},{top}) does not fit a {width}x{height} canvas.");
        }

        var pixels = new byte[checked(width * height * 3)];
        if (fill != 0)
        {
            pixels.AsSpan().Fill(fill);
        }

        var rowBytes = image.Width * 3;
        for (var y = 0; y < image.Height; y++)
        {
            image.Pixels.AsSpan(y * rowBytes, rowBytes).CopyTo(pixels.AsSpan((((top + y) * width) + left) * 3));
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary><c>image.crop((left, top, left + width, top + height))</c> for a box inside the image.</summary>
    public static RgbImage Crop(RgbImage image, int left, int top, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > image.Width || top + height > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(image), $"Box ({left},{top},{width}x{height}) is not inside a {image.Width}x{image.Height} image.");
        }

        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            image.Pixels.AsSpan((((top + y) * image.Width) + left) * 3, width * 3).CopyTo(pixels.AsSpan(y * width * 3));
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// <c>mm_utils.expand2square</c>: a square of the longer side filled with <paramref name="fill"/>, the image
    /// centred along the shorter side with a floor offset; a square image is returned as is.
    /// </summary>
    public static RgbImage ExpandToSquare(RgbImage image, byte fill)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == image.Height)
        {
            return image;
        }

        return image.Width > image.Height
            ? Paste(image, image.Width, image.Width, 0, (image.Width - image.Height) / 2, fill)
            : Paste(image, image.Height, image.Height, (image.Height - image.Width) / 2, 0, fill);
    }

    /// <summary>
    /// <c>mm_utils.divide_to_patches</c>: row-major tiles (y outer, x inner) of <paramref name="tile"/> pixels;
    /// the anyres canvas is always a whole number of tiles.
    /// </summary>
    public static IReadOnlyList<RgbImage> Tiles(RgbImage image, int tile)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width % tile != 0 || image.Height % tile != 0)
        {
            throw new ArgumentException($"A {image.Width}x{image.Height} canvas is not a whole number of {tile}px tiles.", nameof(image));
        }

        var tiles = new List<RgbImage>();
        for (var y = 0; y < image.Height; y += tile)
        {
            for (var x = 0; x < image.Width; x += tile)
            {
                tiles.Add(Crop(image, x, y, tile, tile));
            }
        }

        return tiles;
    }
}
