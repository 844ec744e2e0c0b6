using System.Buffers.Binary;

namespace LLaDAV.Eval.Parquet.Encodings;

/// <summary>
/// Unpacks little-endian, LSB-first bit-packed values (Parquet Encodings.md, "Bit-packed (Deprecated)" aside, every
/// packed run in Parquet is LSB first). Callers guarantee <c>src</c> holds <c>count * bitWidth</c> bits.
/// </summary>
internal static class BitUnpacker
{
    public static void Unpack32(ReadOnlySpan<byte> src, int bitWidth, Span<int> dst)
    {
        if (bitWidth == 0)
        {
            dst.Clear();
            return;
        }

        var mask = bitWidth == 32 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        long bit = 0;
        for (var i = 0; i < dst.Length; i++, bit += bitWidth)
        {
            var byteIndex = (int)(bit >> 3);
            var shift = (int)(bit & 7);
            dst[i] = (int)((Load64(src, byteIndex) >> shift) & mask);
        }
    }

    public static void Unpack64(ReadOnlySpan<byte> src, int bitWidth, Span<long> dst)
    {
        if (bitWidth == 0)
        {
            dst.Clear();
            return;
        }

        long bit = 0;
        for (var i = 0; i < dst.Length; i++, bit += bitWidth)
        {
            var byteIndex = (int)(bit >> 3);
            var shift = (int)(bit & 7);
            var lo = Load64(src, byteIndex) >> shift;
            var have = 64 - shift;
            if (have < bitWidth)
            {
                // A value of up to 64 bits starting mid-byte spans nine bytes.
                lo |= (ulong)(byteIndex + 8 < src.Length ? src[byteIndex + 8] : 0) << have;
            }

            dst[i] = bitWidth == 64 ? (long)lo : (long)(lo & ((1UL << bitWidth) - 1));
        }
    }

    /// <summary>Reads eight bytes little-endian, zero-filling past the end of <paramref name="src"/>.</summary>
    private static ulong Load64(ReadOnlySpan<byte> src, int index)
    {
        if (index + 8 <= src.Length)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(src[index..]);
        }

        ulong v = 0;
        for (int i = index, s = 0; i < src.Length && s < 64; i++, s += 8)
        {
            v |= (ulong)src[i] << s;
        }

        return v;
    }
}
