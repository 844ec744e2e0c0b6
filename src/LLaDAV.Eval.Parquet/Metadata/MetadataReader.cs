using LLaDAV.Eval.Parquet.Thrift;

namespace LLaDAV.Eval.Parquet.Metadata;

/// <summary>
/// Decodes the Thrift structs of parquet.thrift that the reader needs. Field ids are those of parquet.thrift;
/// unknown fields are skipped, as Thrift requires, so files from newer writers still open.
/// </summary>
internal static class MetadataReader
{
    public static FileMetadata ReadFileMetadata(CompactReader r)
    {
        int version = 0;
        long numRows = 0;
        string? createdBy = null;
        var schema = new List<SchemaElement>();
        var rowGroups = new List<RowGroup>();
        var kv = new Dictionary<string, string?>(StringComparer.Ordinal);
        var seenSchema = false;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: version = r.ReadI32(); break;
                case 2 when t == CompactType.List:
                    seenSchema = true;
                    ReadList(r, schema, ReadSchemaElement);
                    break;
                case 3 when t == CompactType.I64: numRows = r.ReadI64(); break;
                case 4 when t == CompactType.List: ReadList(r, rowGroups, ReadRowGroup); break;
                case 5 when t == CompactType.List:
                    var pairs = new List<(string Key, string? Value)>();
                    ReadList(r, pairs, ReadKeyValue);
                    foreach (var (k, v) in pairs)
                    {
                        kv[k] = v;
                    }

                    break;
                case 6 when t == CompactType.Binary: createdBy = r.ReadString(); break;
                default: r.Skip(t); break;
            }
        }

        if (!seenSchema || schema.Count == 0)
        {
            throw new ParquetFormatException("file metadata has no schema");
        }

        if (numRows < 0)
        {
            throw new ParquetFormatException($"file metadata gives a negative row count {numRows}");
        }

        return new FileMetadata(version, schema, numRows, rowGroups, kv, createdBy);
    }

    public static PageHeader ReadPageHeader(CompactReader r)
    {
        int? type = null;
        int uncompressed = -1, compressed = -1;
        DataPageHeader? dp = null;
        DictionaryPageHeader? dict = null;
        DataPageHeaderV2? dp2 = null;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: type = r.ReadI32(); break;
                case 2 when t == CompactType.I32: uncompressed = r.ReadI32(); break;
                case 3 when t == CompactType.I32: compressed = r.ReadI32(); break;
                case 5 when t == CompactType.Struct: dp = ReadDataPageHeader(r); break;
                case 7 when t == CompactType.Struct: dict = ReadDictionaryPageHeader(r); break;
                case 8 when t == CompactType.Struct: dp2 = ReadDataPageHeaderV2(r); break;
                default: r.Skip(t); break;
            }
        }

        if (type is null || uncompressed < 0 || compressed < 0)
        {
            throw new ParquetFormatException($"page header lacks its type or sizes, or gives negative sizes ({uncompressed}, {compressed})");
        }

        return new PageHeader((PageType)type.Value, uncompressed, compressed, dp, dict, dp2);
    }

    private static void ReadList<T>(CompactReader r, List<T> into, Func<CompactReader, T> readElement)
    {
        var n = r.ReadListHeader(out var et);
        if (et != CompactType.Struct)
        {
            throw new ParquetFormatException($"expected a list of structs, found element type {et}");
        }

        for (var i = 0; i < n; i++)
        {
            into.Add(readElement(r));
        }
    }

    private static (string, string?) ReadKeyValue(CompactReader r)
    {
        string? key = null, value = null;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.Binary: key = r.ReadString(); break;
                case 2 when t == CompactType.Binary: value = r.ReadString(); break;
                default: r.Skip(t); break;
            }
        }

        return (key ?? throw new ParquetFormatException("key-value metadata entry without a key"), value);
    }

    private static SchemaElement ReadSchemaElement(CompactReader r)
    {
        string? name = null;
        PhysicalType? type = null;
        Repetition? repetition = null;
        int typeLength = 0, numChildren = 0, scale = 0, precision = 0;
        var converted = ConvertedType.None;
        LogicalType? logical = null;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32:
                    var pt = r.ReadI32();
                    if (pt is < 0 or > 7)
                    {
                        throw new ParquetFormatException($"schema element has unknown physical type {pt}");
                    }

                    type = (PhysicalType)pt;
                    break;
                case 2 when t == CompactType.I32: typeLength = r.ReadI32(); break;
                case 3 when t == CompactType.I32:
                    var rep = r.ReadI32();
                    if (rep is < 0 or > 2)
                    {
                        throw new ParquetFormatException($"schema element has unknown repetition {rep}");
                    }

                    repetition = (Repetition)rep;
                    break;
                case 4 when t == CompactType.Binary: name = r.ReadString(); break;
                case 5 when t == CompactType.I32: numChildren = r.ReadI32(); break;
                case 6 when t == CompactType.I32: converted = (ConvertedType)r.ReadI32(); break;
                case 7 when t == CompactType.I32: scale = r.ReadI32(); break;
                case 8 when t == CompactType.I32: precision = r.ReadI32(); break;
                case 10 when t == CompactType.Struct: logical = ReadLogicalType(r); break;
                default: r.Skip(t); break;
            }
        }

        return new SchemaElement(name ?? throw new ParquetFormatException("schema element without a name"), type, typeLength, repetition, numChildren, converted, scale, precision, logical);
    }

    private static LogicalType ReadLogicalType(CompactReader r)
    {
        var result = new LogicalType(LogicalTypeKind.None);
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            if (t != CompactType.Struct)
            {
                r.Skip(t);
                continue;
            }

            result = id switch
            {
                5 => ReadDecimal(r),
                7 => ReadTimeLike(r, LogicalTypeKind.Time),
                8 => ReadTimeLike(r, LogicalTypeKind.Timestamp),
                10 => ReadInteger(r),
                1 or 2 or 3 or 4 or 6 or 11 or 12 or 13 or 14 or 15 or 16 or 17 or 18 => SkipStruct(r, (LogicalTypeKind)id),
                _ => SkipStruct(r, LogicalTypeKind.Unrecognised),
            };
        }

        return result;
    }

    private static LogicalType SkipStruct(CompactReader r, LogicalTypeKind kind)
    {
        r.Skip(CompactType.Struct);
        return new LogicalType(kind);
    }

    private static LogicalType ReadDecimal(CompactReader r)
    {
        int scale = 0, precision = 0;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: scale = r.ReadI32(); break;
                case 2 when t == CompactType.I32: precision = r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }

        return new LogicalType(LogicalTypeKind.Decimal, Scale: scale, Precision: precision);
    }

    private static LogicalType ReadTimeLike(CompactReader r, LogicalTypeKind kind)
    {
        var utc = false;
        var unit = TimeUnit.Millis;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t is CompactType.BooleanTrue or CompactType.BooleanFalse: utc = CompactReader.FieldBool(t); break;
                case 2 when t == CompactType.Struct: unit = ReadTimeUnit(r); break;
                default: r.Skip(t); break;
            }
        }

        return new LogicalType(kind, IsAdjustedToUtc: utc, Unit: unit);
    }

    private static TimeUnit ReadTimeUnit(CompactReader r)
    {
        var unit = TimeUnit.Millis;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            if (id is >= 1 and <= 3 && t == CompactType.Struct)
            {
                unit = (TimeUnit)id;
            }

            r.Skip(t);
        }

        return unit;
    }

    private static LogicalType ReadInteger(CompactReader r)
    {
        int width = 0;
        var signed = true;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.Byte: width = (sbyte)r.ReadByte(); break;
                case 2 when t is CompactType.BooleanTrue or CompactType.BooleanFalse: signed = CompactReader.FieldBool(t); break;
                default: r.Skip(t); break;
            }
        }

        return new LogicalType(LogicalTypeKind.Integer, BitWidth: width, IsSigned: signed);
    }

    private static RowGroup ReadRowGroup(CompactReader r)
    {
        var columns = new List<ColumnChunk>();
        long totalBytes = 0, numRows = -1;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.List: ReadList(r, columns, ReadColumnChunk); break;
                case 2 when t == CompactType.I64: totalBytes = r.ReadI64(); break;
                case 3 when t == CompactType.I64: numRows = r.ReadI64(); break;
                default: r.Skip(t); break;
            }
        }

        if (numRows < 0)
        {
            throw new ParquetFormatException("row group has no or a negative row count");
        }

        return new RowGroup(columns, totalBytes, numRows);
    }

    private static ColumnChunk ReadColumnChunk(CompactReader r)
    {
        string? path = null;
        ColumnMetaData? meta = null;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.Binary: path = r.ReadString(); break;
                case 3 when t == CompactType.Struct: meta = ReadColumnMetaData(r); break;
                default: r.Skip(t); break;
            }
        }

        return new ColumnChunk(path, meta);
    }

    private static ColumnMetaData ReadColumnMetaData(CompactReader r)
    {
        int? type = null;
        var path = new List<string>();
        var codec = 0;
        long numValues = -1, uncompressed = 0, compressed = -1, dataOffset = -1;
        long? dictOffset = null;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: type = r.ReadI32(); break;
                case 3 when t == CompactType.List:
                    var n = r.ReadListHeader(out var et);
                    if (et != CompactType.Binary)
                    {
                        throw new ParquetFormatException("path_in_schema is not a list of strings");
                    }

                    for (var i = 0; i < n; i++)
                    {
                        path.Add(r.ReadString());
                    }

                    break;
                case 4 when t == CompactType.I32: codec = r.ReadI32(); break;
                case 5 when t == CompactType.I64: numValues = r.ReadI64(); break;
                case 6 when t == CompactType.I64: uncompressed = r.ReadI64(); break;
                case 7 when t == CompactType.I64: compressed = r.ReadI64(); break;
                case 9 when t == CompactType.I64: dataOffset = r.ReadI64(); break;
                case 11 when t == CompactType.I64: dictOffset = r.ReadI64(); break;
                default: r.Skip(t); break;
            }
        }

        if (type is null or < 0 or > 7)
        {
            throw new ParquetFormatException($"column metadata has a missing or unknown physical type {type}");
        }

        if (numValues < 0 || compressed < 0 || dataOffset < 0)
        {
            throw new ParquetFormatException($"column metadata has a missing or negative value count ({numValues}), size ({compressed}) or data page offset ({dataOffset})");
        }

        return new ColumnMetaData((PhysicalType)type.Value, path, (CompressionCodec)codec, numValues, uncompressed, compressed, dataOffset, dictOffset);
    }

    private static DataPageHeader ReadDataPageHeader(CompactReader r)
    {
        int numValues = -1, enc = 0, defEnc = 3, repEnc = 3;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: numValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: enc = r.ReadI32(); break;
                case 3 when t == CompactType.I32: defEnc = r.ReadI32(); break;
                case 4 when t == CompactType.I32: repEnc = r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }

        if (numValues < 0)
        {
            throw new ParquetFormatException($"data page header has a missing or negative value count {numValues}");
        }

        return new DataPageHeader(numValues, (ParquetEncoding)enc, (ParquetEncoding)defEnc, (ParquetEncoding)repEnc);
    }

    private static DictionaryPageHeader ReadDictionaryPageHeader(CompactReader r)
    {
        int numValues = -1, enc = 0;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: numValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: enc = r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }

        if (numValues < 0)
        {
            throw new ParquetFormatException($"dictionary page header has a missing or negative value count {numValues}");
        }

        return new DictionaryPageHeader(numValues, (ParquetEncoding)enc);
    }

    private static DataPageHeaderV2 ReadDataPageHeaderV2(CompactReader r)
    {
        int numValues = -1, numNulls = 0, numRows = 0, enc = 0, defLen = 0, repLen = 0;
        var compressed = true;
        short last = 0;
        while (r.ReadFieldHeader(ref last, out var id, out var t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: numValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: numNulls = r.ReadI32(); break;
                case 3 when t == CompactType.I32: numRows = r.ReadI32(); break;
                case 4 when t == CompactType.I32: enc = r.ReadI32(); break;
                case 5 when t == CompactType.I32: defLen = r.ReadI32(); break;
                case 6 when t == CompactType.I32: repLen = r.ReadI32(); break;
                case 7 when t is CompactType.BooleanTrue or CompactType.BooleanFalse: compressed = CompactReader.FieldBool(t); break;
                default: r.Skip(t); break;
            }
        }

        if (numValues < 0 || numNulls < 0 || defLen < 0 || repLen < 0)
        {
            throw new ParquetFormatException("data page v2 header has a missing or negative count or length");
        }

        return new DataPageHeaderV2(numValues, numNulls, numRows, (ParquetEncoding)enc, defLen, repLen, compressed);
    }
}
