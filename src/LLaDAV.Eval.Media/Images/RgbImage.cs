namespace LLaDAV.Eval.Media.Images;

/// <summary>
/// A decoded image as 8-bit RGB, row-major, no padding: what PIL's <c>Image.convert("RGB")</c> holds.
/// The one pixel type that crosses project boundaries (decoders produce it, the vision preprocessor consumes it).
/// </summary>
public sealed record RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"An RGB image of {width}x{height} needs {width * height * 3} bytes but got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Width × Height × 3 bytes, R, G, B per pixel.</summary>
    public byte[] Pixels { get; }
}
