using System.Buffers.Binary;
using System.IO.Compression;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// The raw samples of a 16-bit PNG. PIL keeps 16-bit values (mode "I" for grey, the high byte for ";16B" modes), but
/// Skia's PNG codec only hands out 8-bit (scaled with rounding, not truncated) or half floats (11 significant bits),
/// neither of which gives PIL's bytes back; so for this one layout the IDAT stream is inflated and unfiltered here
/// (PNG spec §9 filters, §8.2 Adam7). Memory-safe managed code; every length is checked against the header.
/// </summary>
internal static class Png16Samples
{
    private static readonly (int X, int Y, int Dx, int Dy)[] s_adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>Row-major samples (channels per pixel as the colour type says) and the tRNS key, if any.</summary>
    public static (int Width, int Height, int Channels, ushort[] Samples, ushort[]? Key) Read(ReadOnlySpan<byte> png)
    {
        int width = 0, height = 0, colorType = 0, interlace = 0;
        ushort[]? key = null;
        using var idat = new MemoryStream();
        for (var p = 8; ;)
        {
            if (p + 8 > png.Length)
            {
                throw new MediaException("Cannot decode this PNG image: the data is truncated.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(png[p..]);
            if (length > int.MaxValue || p + 12 + (long)length > png.Length)
            {
                throw new MediaException("Cannot decode this PNG image: the data is truncated.");
            }

            var type = png.Slice(p + 4, 4);
            var data = png.Slice(p + 8, (int)length);
            if (type.SequenceEqual("IHDR"u8) && data.Length >= 13)
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                colorType = data[9];
                interlace = data[12];
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                key = new ushort[data.Length / 2];
                for (var i = 0; i < key.Length; i++)
                {
                    key[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(i * 2)..]);
                }
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            p += 12 + (int)length;
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
        if (width <= 0 || height <= 0 || channels == 0 || (long)width * height > SkiaImageCodec.MaxPixels)
        {
            throw new MediaException($"Cannot decode this PNG image: invalid 16-bit header ({width}x{height}, colour type {colorType}).");
        }

        var bpp = channels * 2;
        var samples = new ushort[checked(width * height * channels)];
        idat.Position = 0;
        using var inflated = new ZLibStream(idat, CompressionMode.Decompress);
        try
        {
            foreach (var (x0, y0, dx, dy) in interlace == 1 ? s_adam7 : [(0, 0, 1, 1)])
            {
                var passWidth = (width - x0 + dx - 1) / dx;
                if (passWidth <= 0 || y0 >= height)
                {
                    continue;
                }

                var previous = new byte[passWidth * bpp];
                var row = new byte[(passWidth * bpp) + 1];
                for (var y = y0; y < height; y += dy)
                {
                    inflated.ReadExactly(row);
                    Unfilter(row[0], row.AsSpan(1), previous, bpp);
                    for (var i = 0; i < passWidth; i++)
                    {
                        var dst = (((y * width) + x0 + (i * dx)) * channels);
                        for (var c = 0; c < channels; c++)
                        {
                            samples[dst + c] = BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(1 + (i * bpp) + (c * 2)));
                        }
                    }

                    row.AsSpan(1).CopyTo(previous);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new MediaException("Cannot decode this PNG image: the pixel data is truncated or corrupt.", e);
        }

        return (width, height, channels, samples, key);
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int bpp)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            row[i] += filter switch
            {
                0 => 0,
                1 => (byte)a,
                2 => (byte)b,
                3 => (byte)((a + b) >> 1),
                4 => (byte)Paeth(a, b, c),
                _ => throw new MediaException($"Cannot decode this PNG image: unknown row filter {filter}."),
            };
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
