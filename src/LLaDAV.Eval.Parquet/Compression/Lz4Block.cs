namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>
/// Decoder for the LZ4 block format (lz4/doc/lz4_Block_format.md): sequences of a token (literal length high
/// nibble, match length low nibble), 255-extended lengths, literals, a 2-byte little-endian offset and a match of
/// at least 4 bytes. The last sequence has literals only. Every read and copy is bounds-checked.
/// </summary>
internal static class Lz4Block
{
    /// <summary>Decodes one block; returns the number of bytes written, or -1 when the input is not a valid block.</summary>
    public static int TryDecode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int ip = 0, op = 0;
        while (ip < src.Length)
        {
            int token = src[ip++];
            var literal = token >> 4;
            if (literal == 15 && !ReadExtra(src, ref ip, ref literal))
            {
                return -1;
            }

            if (literal > src.Length - ip || literal > dst.Length - op)
            {
                return -1;
            }

            src.Slice(ip, literal).CopyTo(dst[op..]);
            ip += literal;
            op += literal;
            if (ip == src.Length)
            {
                return op;
            }

            if (ip + 2 > src.Length)
            {
                return -1;
            }

            var offset = src[ip] | (src[ip + 1] << 8);
            ip += 2;
            if (offset == 0 || offset > op)
            {
                return -1;
            }

            var match = token & 15;
            if (match == 15 && !ReadExtra(src, ref ip, ref match))
            {
                return -1;
            }

            match += 4;
            if (match > dst.Length - op)
            {
                return -1;
            }

            var from = op - offset;
            if (offset >= match)
            {
                dst.Slice(from, match).CopyTo(dst[op..]);
            }
            else
            {
                // Overlapping match: copy forward byte by byte so the pattern repeats.
                for (var i = 0; i < match; i++)
                {
                    dst[op + i] = dst[from + i];
                }
            }

            op += match;
        }

        return op;
    }

    private static bool ReadExtra(ReadOnlySpan<byte> src, ref int ip, ref int length)
    {
        byte b;
        do
        {
            if (ip >= src.Length)
            {
                return false;
            }

            b = src[ip++];
            length += b;
            if (length > int.MaxValue / 2)
            {
                return false;
            }
        }
        while (b == 255);
        return true;
    }
}
