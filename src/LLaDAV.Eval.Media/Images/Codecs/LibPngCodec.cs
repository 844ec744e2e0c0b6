using LLaDAV.Eval.Media.Interop;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// PNG through libpng's simplified API, limited to the inputs where its output equals PIL's: the simplified API applies
/// gamma (gAMA/sRGB) and premultiplies 16-bit alpha, PIL does neither, so those files go to the ffmpeg fallback.
/// </summary>
internal sealed class LibPngCodec : IImageCodec
{
    private const int SrgbGamma = 45455; // 1/2.2 in gAMA units; libpng treats it as sRGB, i.e. no conversion

    public string Component => "libpng16.so.16";

    public string DebianPackage => "libpng16-16";

    public bool IsAvailable => LibPng.Instance is not null;

    public bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes)
    {
        if (format != ImageFormat.Png)
        {
            return false;
        }

        var chunks = PngChunks.Scan(bytes);
        if (chunks.BitDepth <= 8)
        {
            return chunks.Gamma is null or (>= SrgbGamma - 500 and <= SrgbGamma + 500);
        }

        // 16-bit: only opaque grey/RGB without colour-space chunks come out of libpng as the raw samples.
        return chunks.ColorType is 0 or 2 && !chunks.HasTransparencyChunk && chunks.Gamma is null && !chunks.HasSrgbOrIcc;
    }

    public DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        var png = LibPng.Instance ?? throw new InvalidOperationException("libpng is not loaded.");
        var chunks = PngChunks.Scan(bytes);
        var withAlpha = chunks.HasAlphaChannel || chunks.HasTransparencyChunk;
        var (width, height, _, format, buffer) = png.Read(bytes, fileFormat => chunks.BitDepth == 16
            ? LibPng.FormatFlagLinear | (fileFormat & LibPng.FormatFlagColor)
            : LibPng.FormatFlagColor | (withAlpha ? LibPng.FormatFlagAlpha : 0));

        if ((format & LibPng.FormatFlagLinear) == 0)
        {
            return withAlpha ? DecodedPixels.FromRgba(width, height, buffer) : new DecodedPixels(width, height, buffer, null);
        }

        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(buffer);
        return (format & LibPng.FormatFlagColor) != 0 ? Pil16Bit.RgbHighByte(width, height, samples) : Pil16Bit.GrayAsModeI(width, height, samples, null);
    }
}
