using System.IO.Compression;
using LLaDAV.Eval.Parquet.Metadata;

namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>Decompresses one page body into a buffer of exactly the size its page header declares.</summary>
internal static class Decompressor
{
    public static void Decompress(CompressionCodec codec, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (src.IsEmpty && dst.IsEmpty)
        {
            return;
        }

        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                if (src.Length != dst.Length)
                {
                    throw new ParquetFormatException($"uncompressed page holds {src.Length} bytes but its header declares {dst.Length}");
                }

                src.CopyTo(dst);
                break;
            case CompressionCodec.Snappy:
                Snappy(src, dst);
                break;
            case CompressionCodec.Gzip:
                Gzip(src, dst);
                break;
            case CompressionCodec.Brotli:
                if (!BrotliDecoder.TryDecompress(src, dst, out var written) || written != dst.Length)
                {
                    throw new ParquetFormatException("BROTLI page does not decompress to the size its header declares");
                }

                break;
            case CompressionCodec.Zstd:
                ZstdNative.Decode(src, dst);
                break;
            case CompressionCodec.Lz4Raw:
                if (Lz4Block.TryDecode(src, dst) != dst.Length)
                {
                    throw new ParquetFormatException("LZ4_RAW page does not decompress to the size its header declares");
                }

                break;
            case CompressionCodec.Lz4:
                HadoopLz4.Decode(src, dst);
                break;
            default:
                throw new ParquetFormatException($"compression codec {codec} is not supported");
        }
    }

    private static void Snappy(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        // Check the preamble (the uncompressed length varint) first, so a corrupt page cannot make the
        // decoder allocate whatever length it claims.
        ulong declared = 0;
        var i = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (i >= src.Length || shift > 28)
            {
                throw new ParquetFormatException("SNAPPY page has a malformed length preamble");
            }

            declared |= (ulong)(src[i] & 0x7F) << shift;
            if ((src[i++] & 0x80) == 0)
            {
                break;
            }
        }

        if (declared != (ulong)dst.Length)
        {
            throw new ParquetFormatException($"SNAPPY page declares {declared} bytes but its page header declares {dst.Length}");
        }

        byte[] decoded;
        try
        {
            decoded = IronSnappy.Snappy.Decode(src);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ParquetFormatException($"SNAPPY page does not decompress: {e.Message}", e);
        }

        if (decoded.Length != dst.Length)
        {
            throw new ParquetFormatException($"SNAPPY page decompressed to {decoded.Length} bytes, not the {dst.Length} its header declares");
        }

        decoded.CopyTo(dst);
    }

    private static unsafe void Gzip(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        try
        {
            fixed (byte* p = src)
            {
                using var input = new UnmanagedMemoryStream(p, src.Length);
                // GZipStream reads concatenated members (RFC 1952 §2.2), which some writers emit.
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                var total = 0;
                while (total < dst.Length)
                {
                    var n = gzip.Read(dst[total..]);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                }

                if (total != dst.Length || gzip.Read(stackalloc byte[1]) != 0)
                {
                    throw new ParquetFormatException("GZIP page does not decompress to the size its header declares");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new ParquetFormatException($"GZIP page does not decompress: {e.Message}", e);
        }
    }
}
