using System.Buffers.Binary;
using System.IO.Compression;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// A minimal PNG encoder (PNG spec §4–§12: IHDR/PLTE/tRNS/gAMA/IDAT, filter 0, optional Adam7) so tests can build
/// inputs whose exact samples they know, for the layouts the shared oracle images do not cover.
/// </summary>
internal static class PngWriter
{
    private static readonly (int X, int Y, int Dx, int Dy)[] s_adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <param name="samples">Row-major samples, <paramref name="channels"/> per pixel (palette index for colour type 3).</param>
    public static byte[] Encode(
        int width, int height, int bitDepth, int colorType, int[] samples,
        byte[]? palette = null, byte[]? transparency = null, uint? gamma = null, bool interlaced = false)
    {
        var channels = colorType switch { 0 or 3 => 1, 2 => 3, 4 => 2, _ => 4 };
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (gamma is { } g)
        {
            var data = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(data, g);
            Chunk(png, "gAMA", data);
        }

        if (palette is not null)
        {
            Chunk(png, "PLTE", palette);
        }

        if (transparency is not null)
        {
            Chunk(png, "tRNS", transparency);
        }

        using var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in interlaced ? s_adam7 : [(0, 0, 1, 1)])
        {
            for (var y = y0; y < height; y += dy)
            {
                var row = new List<int>();
                for (var x = x0; x < width; x += dx)
                {
                    row.AddRange(samples.AsSpan(((y * width) + x) * channels, channels).ToArray());
                }

                if (row.Count > 0)
                {
                    raw.WriteByte(0); // filter type None
                    raw.Write(Pack(row, bitDepth));
                }
            }
        }

        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            {
                z.Write(raw.ToArray());
            }

            Chunk(png, "IDAT", idat.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Pack(List<int> row, int bitDepth)
    {
        if (bitDepth == 16)
        {
            return row.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray();
        }

        if (bitDepth == 8)
        {
            return row.Select(v => (byte)v).ToArray();
        }

        var perByte = 8 / bitDepth;
        var packed = new byte[(row.Count + perByte - 1) / perByte];
        for (var i = 0; i < row.Count; i++)
        {
            packed[i / perByte] |= (byte)(row[i] << (8 - (bitDepth * ((i % perByte) + 1))));
        }

        return packed;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(header.AsSpan(4), data));
        png.Write(crc);
    }

    public static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var part in new[] { type.ToArray(), data.ToArray() })
        {
            foreach (var b in part)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
                }
            }
        }

        return ~crc;
    }
}
