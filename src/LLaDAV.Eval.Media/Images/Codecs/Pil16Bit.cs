namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// What PIL 9.4 makes of 16-bit samples: a 16-bit grey PNG opens as mode "I" and <c>convert("RGB")</c> clips each
/// 32-bit value to 0..255 (Convert.c <c>i2rgb</c>, CLIP8); 16-bit RGB/RGBA/LA open through the ";16B" unpackers,
/// which keep the most significant byte (Unpack.c).
/// </summary>
internal static class Pil16Bit
{
    public static DecodedPixels GrayAsModeI(int width, int height, ReadOnlySpan<ushort> gray, byte[]? alpha)
    {
        var clipped = new byte[gray.Length];
        for (var i = 0; i < gray.Length; i++)
        {
            clipped[i] = (byte)Math.Min(gray[i], (ushort)255);
        }

        return DecodedPixels.FromGray(width, height, clipped, alpha);
    }

    public static DecodedPixels RgbHighByte(int width, int height, ReadOnlySpan<ushort> rgb)
    {
        var result = new byte[rgb.Length];
        for (var i = 0; i < rgb.Length; i++)
        {
            result[i] = (byte)(rgb[i] >> 8);
        }

        return new DecodedPixels(width, height, result, null);
    }
}
