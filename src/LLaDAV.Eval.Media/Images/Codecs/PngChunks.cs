using System.Buffers.Binary;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>The few PNG header facts that decide how to reproduce PIL (IHDR depth and colour type, tRNS, gamma chunks).</summary>
internal sealed record PngChunks(int BitDepth, int ColorType, bool HasTransparencyChunk, int? Gamma, bool HasSrgbOrIcc)
{
    public bool HasAlphaChannel => ColorType is 4 or 6;

    public static PngChunks Scan(ReadOnlySpan<byte> png)
    {
        int bitDepth = 0, colorType = 0;
        bool trns = false, srgbOrIcc = false;
        int? gamma = null;
        for (var p = 8; p + 8 <= png.Length;)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(png[p..]), int.MaxValue);
            var type = png.Slice(p + 4, 4);
            var data = p + 8 + length <= png.Length ? png.Slice(p + 8, length) : [];
            if (type.SequenceEqual("IHDR"u8) && data.Length >= 13)
            {
                bitDepth = data[8];
                colorType = data[9];
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                trns = true;
            }
            else if (type.SequenceEqual("gAMA"u8) && data.Length >= 4)
            {
                gamma = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
            }
            else if (type.SequenceEqual("sRGB"u8) || type.SequenceEqual("iCCP"u8))
            {
                srgbOrIcc = true;
            }
            else if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8))
            {
                break; // colour-affecting chunks must precede IDAT
            }

            p += 12 + length;
        }

        return new PngChunks(bitDepth, colorType, trns, gamma, srgbOrIcc);
    }
}
