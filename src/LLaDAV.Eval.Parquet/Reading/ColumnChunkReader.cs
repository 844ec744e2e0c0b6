using System.Buffers;
using LLaDAV.Eval.Parquet.Compression;
using LLaDAV.Eval.Parquet.Encodings;
using LLaDAV.Eval.Parquet.Metadata;
using LLaDAV.Eval.Parquet.Schema;
using LLaDAV.Eval.Parquet.Thrift;
using Microsoft.Win32.SafeHandles;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// Reads one column chunk: its bytes in one read, then page by page (dictionary page first, data pages v1/v2,
/// index pages skipped), decompressing each page into a pooled buffer and decoding levels and values.
/// </summary>
internal static class ColumnChunkReader
{
    /// <summary>
    /// Largest page expansion accepted: generous for real codecs (gzip tops out near 1032:1), but it stops a tiny
    /// corrupt page from declaring gigabytes.
    /// </summary>
    private const long MaxExpansion = 32_768;

    /// <summary>Level entries a page may declare beyond what its bytes could plausibly carry (all-null runs).</summary>
    private const long MinLevelAllowance = 1 << 22;

    /// <summary>
    /// Bytes read past a chunk's declared end: some writers (e.g. the one that made parquet-testing's
    /// nation.dict-malformed) leave the dictionary page out of total_compressed_size, so the last page overruns the
    /// declared range. Pages may extend into this slack, never past the footer; as in Arrow's workaround for such
    /// files, the padding is bounded.
    /// </summary>
    private const int Slack = 1 << 16;

    public static LeafData Read(SafeFileHandle file, long dataEnd, ColumnChunk chunk, SchemaField leaf, long rowGroupRows)
    {
        var meta = chunk.MetaData ?? throw new ParquetFormatException("column chunk has no metadata");
        if (chunk.FilePath is not null)
        {
            throw new ParquetFormatException($"column chunk lives in another file ('{chunk.FilePath}'), which is not supported");
        }

        if (meta.Type != leaf.PhysicalType)
        {
            throw new ParquetFormatException($"column chunk has physical type {meta.Type} but the schema says {leaf.PhysicalType}");
        }

        var start = meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset;
        var length = meta.TotalCompressedSize;
        if (start < 4 || length <= 0 || length > dataEnd - start || length > Array.MaxLength - Slack)
        {
            throw new ParquetFormatException($"column chunk spans bytes {start}..{start + length}, outside the file's data ({dataEnd} bytes before the footer)");
        }

        var readable = (int)Math.Min(length + Slack, dataEnd - start);
        var buffer = ArrayPool<byte>.Shared.Rent(readable);
        try
        {
            var span = buffer.AsSpan(0, readable);
            var read = 0;
            while (read < span.Length)
            {
                var n = RandomAccess.Read(file, span[read..], start + read);
                if (n == 0)
                {
                    throw new ParquetFormatException("file ends inside a column chunk");
                }

                read += n;
            }

            var data = new LeafData(leaf);
            DecodePages(buffer, (int)length, readable, meta, leaf, data);
            Validate(data, rowGroupRows);
            return data;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void DecodePages(byte[] chunk, int length, int readable, ColumnMetaData meta, SchemaField leaf, LeafData data)
    {
        var converter = new ValueConverter(leaf);
        var values = new PageValueDecoder(leaf.PhysicalType!.Value, leaf.Element.TypeLength, converter);
        object?[]? dictionary = null;
        var pos = 0;
        while (pos < length && data.Count < meta.NumValues)
        {
            var reader = new CompactReader(chunk, pos, readable - pos);
            var header = MetadataReader.ReadPageHeader(reader);
            pos = reader.Position;
            if (header.CompressedPageSize > readable - pos)
            {
                throw new ParquetFormatException($"page of {header.CompressedPageSize} bytes extends past the end of its column chunk ({length - pos} bytes left)");
            }

            var body = chunk.AsSpan(pos, header.CompressedPageSize);
            pos += header.CompressedPageSize;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    var dh = header.DictionaryPage ?? throw new ParquetFormatException("dictionary page without its header");
                    if (dictionary is not null || data.Count > 0)
                    {
                        throw new ParquetFormatException("dictionary page is not the first page of its column chunk");
                    }

                    dictionary = ReadDictionary(meta.Codec, header, dh, body, values);
                    break;
                case PageType.DataPage:
                    ReadDataPageV1(meta.Codec, header, body, dictionary, values, data, meta.NumValues);
                    break;
                case PageType.DataPageV2:
                    ReadDataPageV2(meta.Codec, header, body, dictionary, values, data, meta.NumValues);
                    break;
                default:
                    // Index pages and unknown page types carry nothing the rows need.
                    break;
            }
        }
    }

    private static object?[] ReadDictionary(CompressionCodec codec, PageHeader header, DictionaryPageHeader dh, ReadOnlySpan<byte> body, PageValueDecoder values)
    {
        if (dh.Encoding is not (ParquetEncoding.Plain or ParquetEncoding.PlainDictionary))
        {
            throw new ParquetFormatException($"dictionary page uses encoding {dh.Encoding}; only PLAIN is valid");
        }

        var page = Decompress(codec, header, body, out var size);
        try
        {
            if (values.MinPlainBytes(dh.NumValues) > size)
            {
                throw new ParquetFormatException($"dictionary page declares {dh.NumValues} values but holds only {size} bytes");
            }

            var dictionary = new object?[dh.NumValues];
            values.Decode(ParquetEncoding.Plain, page, 0, size, dh.NumValues, null, dictionary, 0);
            return dictionary;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(page);
        }
    }

    private static void ReadDataPageV1(CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, object?[]? dictionary, PageValueDecoder values, LeafData data, long declaredValues)
    {
        var dp = header.DataPage ?? throw new ParquetFormatException("data page without its header");
        var page = Decompress(codec, header, body, out var size);
        try
        {
            var n = CheckLevelCount(dp.NumValues, size, data, declaredValues);
            data.EnsureLevels(n);
            var pos = 0;
            if (data.MaxRepetition > 0)
            {
                pos += DecodeLevelsV1(dp.RepetitionLevelEncoding, page.AsSpan(pos, size - pos), data.MaxRepetition, data.Repetition.AsSpan(data.Count, n));
            }

            if (data.MaxDefinition > 0)
            {
                pos += DecodeLevelsV1(dp.DefinitionLevelEncoding, page.AsSpan(pos, size - pos), data.MaxDefinition, data.Definition.AsSpan(data.Count, n));
            }

            DecodeValues(dp.Encoding, page, pos, size, n, dictionary, values, data);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(page);
        }
    }

    private static void ReadDataPageV2(CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, object?[]? dictionary, PageValueDecoder values, LeafData data, long declaredValues)
    {
        var dp = header.DataPageV2 ?? throw new ParquetFormatException("data page v2 without its header");
        var levelBytes = (long)dp.RepetitionLevelsByteLength + dp.DefinitionLevelsByteLength;
        if (levelBytes > body.Length || levelBytes > header.UncompressedPageSize)
        {
            throw new ParquetFormatException($"data page v2 level sections ({levelBytes} bytes) exceed the page ({body.Length} bytes)");
        }

        var n = CheckLevelCount(dp.NumValues, header.UncompressedPageSize, data, declaredValues);
        data.EnsureLevels(n);
        var rep = body[..dp.RepetitionLevelsByteLength];
        var def = body.Slice(dp.RepetitionLevelsByteLength, dp.DefinitionLevelsByteLength);
        if (data.MaxRepetition > 0)
        {
            new RleBitPackedDecoder(rep, RleBitPackedDecoder.BitWidthOf(data.MaxRepetition)).Read(data.Repetition.AsSpan(data.Count, n));
            CheckMax(data.Repetition.AsSpan(data.Count, n), data.MaxRepetition, "repetition");
        }

        if (data.MaxDefinition > 0)
        {
            new RleBitPackedDecoder(def, RleBitPackedDecoder.BitWidthOf(data.MaxDefinition)).Read(data.Definition.AsSpan(data.Count, n));
            CheckMax(data.Definition.AsSpan(data.Count, n), data.MaxDefinition, "definition");
        }

        // Only the values section is compressed in v2 pages (parquet.thrift DataPageHeaderV2 field 7).
        var valuesHeader = header with
        {
            UncompressedPageSize = header.UncompressedPageSize - (int)levelBytes,
            CompressedPageSize = header.CompressedPageSize - (int)levelBytes,
        };
        var page = Decompress(dp.IsCompressed ? codec : CompressionCodec.Uncompressed, valuesHeader, body[(int)levelBytes..], out var size);
        try
        {
            DecodeValues(dp.Encoding, page, 0, size, n, dictionary, values, data);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(page);
        }
    }

    private static void DecodeValues(ParquetEncoding encoding, byte[] page, int start, int end, int n, object?[]? dictionary, PageValueDecoder values, LeafData data)
    {
        var nonNull = n;
        if (data.MaxDefinition > 0)
        {
            nonNull = 0;
            var max = data.MaxDefinition;
            foreach (var d in data.Definition.AsSpan(data.Count, n))
            {
                nonNull += d == max ? 1 : 0;
            }
        }

        if (encoding is ParquetEncoding.Plain && values.MinPlainBytes(nonNull) > end - start)
        {
            throw new ParquetFormatException($"page holds {end - start} value bytes, too few for {nonNull} values");
        }

        data.EnsureValues(nonNull);
        values.Decode(encoding, page, start, end, nonNull, dictionary, data.Values, data.ValueCount);
        data.ValueCount += nonNull;
        data.Count += n;
    }

    private static int CheckLevelCount(int numValues, int pageSize, LeafData data, long declaredValues)
    {
        var allowance = Math.Max(MinLevelAllowance, 64L * pageSize);
        if (numValues > allowance)
        {
            throw new ParquetFormatException($"page declares {numValues} values, implausible for its {pageSize} bytes");
        }

        if (data.Count + (long)numValues > declaredValues)
        {
            throw new ParquetFormatException($"pages hold more than the {declaredValues} values the column metadata declares");
        }

        return numValues;
    }

    /// <summary>v1 levels: RLE with a 4-byte length prefix, or the deprecated MSB-first BIT_PACKED (Encodings.md, "= 4").</summary>
    private static int DecodeLevelsV1(ParquetEncoding encoding, ReadOnlySpan<byte> data, int maxLevel, Span<int> dest)
    {
        var width = RleBitPackedDecoder.BitWidthOf(maxLevel);
        int consumed;
        if (encoding == ParquetEncoding.Rle)
        {
            var runs = RleBitPackedDecoder.LengthPrefixed(data, out consumed);
            new RleBitPackedDecoder(runs, width).Read(dest);
        }
        else if (encoding == ParquetEncoding.BitPacked)
        {
            var bits = (long)dest.Length * width;
            consumed = (int)((bits + 7) / 8);
            if (consumed > data.Length)
            {
                throw new ParquetFormatException("BIT_PACKED levels extend past the end of the page");
            }

            for (var i = 0; i < dest.Length; i++)
            {
                var v = 0;
                for (var b = 0; b < width; b++)
                {
                    var bit = ((long)i * width) + b;
                    v = (v << 1) | ((data[(int)(bit >> 3)] >> (7 - (int)(bit & 7))) & 1);
                }

                dest[i] = v;
            }
        }
        else
        {
            throw new ParquetFormatException($"levels use encoding {encoding}; only RLE and BIT_PACKED are valid");
        }

        CheckMax(dest, maxLevel, encoding == ParquetEncoding.Rle ? "level" : "bit-packed level");
        return consumed;
    }

    private static void CheckMax(ReadOnlySpan<int> levels, int max, string what)
    {
        foreach (var l in levels)
        {
            if (l > max)
            {
                throw new ParquetFormatException($"{what} {l} exceeds the column's maximum {max}");
            }
        }
    }

    private static byte[] Decompress(CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, out int size)
    {
        size = header.UncompressedPageSize;
        if (size < 0 || (codec == CompressionCodec.Uncompressed && size != body.Length) || size > (body.Length * MaxExpansion) + (1 << 20) || size > Array.MaxLength)
        {
            throw new ParquetFormatException($"page declares {size} uncompressed bytes for {body.Length} stored bytes with codec {codec}");
        }

        var page = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            Decompressor.Decompress(codec, body, page.AsSpan(0, size));
            return page;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(page);
            throw;
        }
    }

    private static void Validate(LeafData data, long rowGroupRows)
    {
        long rows = data.Count;
        if (data.MaxRepetition > 0)
        {
            rows = 0;
            var rep = data.Repetition.AsSpan(0, data.Count);
            if (!rep.IsEmpty && rep[0] != 0)
            {
                throw new ParquetFormatException($"repetition levels start with {rep[0]}, not 0: the first value does not begin a row");
            }

            foreach (var r in rep)
            {
                rows += r == 0 ? 1 : 0;
            }
        }

        if (rows != rowGroupRows)
        {
            throw new ParquetFormatException($"column holds {rows} rows but its row group declares {rowGroupRows}");
        }
    }
}
