namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// A minimal GIF89a encoder (one frame, global palette, optional transparency) for tests. The LZW stream sends a
/// clear code before every literal, so the code width never grows and no string table is needed.
/// </summary>
internal static class GifWriter
{
    public static byte[] Encode(int width, int height, byte[] palette, byte[] indices, int? transparentIndex)
    {
        const int minCodeSize = 2; // 4-colour palette
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80 | 0x70 | (minCodeSize - 1), 0, 0]);
        gif.AddRange(palette);
        gif.AddRange([0x21, 0xF9, 4, (byte)(transparentIndex is null ? 0 : 1), 0, 0, (byte)(transparentIndex ?? 0), 0]);
        gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        gif.Add(minCodeSize);

        const int clear = 1 << minCodeSize, end = clear + 1, width3 = minCodeSize + 1;
        var bits = new List<bool>();
        void Emit(int code)
        {
            for (var b = 0; b < width3; b++)
            {
                bits.Add(((code >> b) & 1) != 0);
            }
        }

        foreach (var index in indices)
        {
            Emit(clear);
            Emit(index);
        }

        Emit(end);
        var data = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
        {
            data[i / 8] |= (byte)(bits[i] ? 1 << (i % 8) : 0);
        }

        foreach (var block in data.Chunk(255))
        {
            gif.Add((byte)block.Length);
            gif.AddRange(block);
        }

        gif.Add(0);
        gif.Add(0x3B);
        return [.. gif];
    }
}
