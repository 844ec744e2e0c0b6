namespace LLaDAV.Eval.Media.Images;

/// <summary>
/// A codec's output: the RGB that PIL's <c>convert("RGB")</c> gives, plus the alpha plane that <c>convert("RGBA")</c>
/// would carry (null when the image is opaque), so both alpha policies can be served from one decode.
/// </summary>
internal sealed record DecodedPixels(int Width, int Height, byte[] Rgb, byte[]? Alpha)
{
    public RgbImage ToRgb(AlphaMode mode) =>
        mode == AlphaMode.CompositeOnWhite && Alpha is not null
            ? new RgbImage(Width, Height, AlphaCompositor.OverWhite(Rgb, Alpha))
            : new RgbImage(Width, Height, Rgb);

    /// <summary>Splits interleaved RGBA into RGB and alpha; the alpha plane is dropped when every pixel is opaque.</summary>
    public static DecodedPixels FromRgba(int width, int height, ReadOnlySpan<byte> rgba)
    {
        var pixels = width * height;
        var rgb = new byte[pixels * 3];
        var alpha = new byte[pixels];
        var opaque = true;
        for (var i = 0; i < pixels; i++)
        {
            rgb[(i * 3) + 0] = rgba[(i * 4) + 0];
            rgb[(i * 3) + 1] = rgba[(i * 4) + 1];
            rgb[(i * 3) + 2] = rgba[(i * 4) + 2];
            var a = rgba[(i * 4) + 3];
            alpha[i] = a;
            opaque &= a == 255;
        }

        return new DecodedPixels(width, height, rgb, opaque ? null : alpha);
    }

    /// <summary>PIL's <c>L → RGB</c>: the grey value replicated into the three channels.</summary>
    public static DecodedPixels FromGray(int width, int height, ReadOnlySpan<byte> gray, byte[]? alpha = null)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            rgb[(i * 3) + 0] = rgb[(i * 3) + 1] = rgb[(i * 3) + 2] = gray[i];
        }

        return new DecodedPixels(width, height, rgb, alpha);
    }
}
