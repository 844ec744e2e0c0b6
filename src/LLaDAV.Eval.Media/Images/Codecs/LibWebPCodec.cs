using System.Buffers.Binary;
using LLaDAV.Eval.Media.Interop;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// WebP (lossy VP8, lossless VP8L, extended VP8X stills) through libwebp. PIL opens a WebP as RGBA when
/// <c>WebPGetFeatures</c> reports alpha and as RGB otherwise; the header bits read here are what that call reads.
/// </summary>
internal sealed class LibWebPCodec : IImageCodec
{
    public string Component => "libwebp.so.7";

    public string DebianPackage => "libwebp7";

    public bool IsAvailable => LibWebP.Instance is not null;

    public bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes) => format == ImageFormat.WebP;

    public DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        var webp = LibWebP.Instance ?? throw new InvalidOperationException("libwebp is not loaded.");
        var hasAlpha = HasAlpha(bytes);
        var (width, height, pixels) = webp.Decode(bytes, hasAlpha);
        return hasAlpha ? DecodedPixels.FromRgba(width, height, pixels) : new DecodedPixels(width, height, pixels, null);
    }

    private static bool HasAlpha(ReadOnlySpan<byte> riff)
    {
        if (riff.Length < 30)
        {
            return false;
        }

        var chunk = riff.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (riff[20] & 0x10) != 0; // ALPHA flag of the extended header
        }

        // VP8L: signature byte 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used.
        return chunk.SequenceEqual("VP8L"u8) && riff[20] == 0x2f && ((BinaryPrimitives.ReadUInt32LittleEndian(riff[21..]) >> 28) & 1) != 0;
    }
}
