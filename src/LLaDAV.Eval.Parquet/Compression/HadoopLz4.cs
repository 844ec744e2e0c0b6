using System.Buffers.Binary;

namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>
/// The deprecated LZ4 codec (parquet.thrift CompressionCodec LZ4 = 5). Hadoop writers frame it as repeated
/// [uncompressed size u32 BE][compressed size u32 BE][LZ4 block]; other writers stored a bare LZ4 block. As Arrow's
/// Lz4HadoopCodec does, try the Hadoop framing first and fall back to a bare block.
/// </summary>
internal static class HadoopLz4
{
    public static void Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (TryHadoop(src, dst))
        {
            return;
        }

        if (Lz4Block.TryDecode(src, dst) != dst.Length)
        {
            throw new ParquetFormatException("LZ4 page is neither Hadoop-framed nor a valid LZ4 block of the declared size");
        }
    }

    private static bool TryHadoop(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int ip = 0, op = 0;
        while (ip < src.Length)
        {
            if (src.Length - ip < 8)
            {
                return false;
            }

            var expected = BinaryPrimitives.ReadUInt32BigEndian(src[ip..]);
            var compressed = BinaryPrimitives.ReadUInt32BigEndian(src[(ip + 4)..]);
            ip += 8;
            if (compressed > (uint)(src.Length - ip) || expected > (uint)(dst.Length - op))
            {
                return false;
            }

            var written = Lz4Block.TryDecode(src.Slice(ip, (int)compressed), dst.Slice(op, (int)expected));
            if (written != (int)expected)
            {
                return false;
            }

            ip += (int)compressed;
            op += written;
        }

        return op == dst.Length;
    }
}
