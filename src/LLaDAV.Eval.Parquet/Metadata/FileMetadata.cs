namespace LLaDAV.Eval.Parquet.Metadata;

/// <summary>parquet.thrift <c>LogicalType</c>, flattened: only the members' fields this reader uses.</summary>
public sealed record LogicalType(
    LogicalTypeKind Kind,
    int Scale = 0,
    int Precision = 0,
    bool IsAdjustedToUtc = false,
    TimeUnit Unit = TimeUnit.Millis,
    int BitWidth = 0,
    bool IsSigned = true);

/// <summary>parquet.thrift <c>SchemaElement</c> (fields 1–10).</summary>
public sealed record SchemaElement(
    string Name,
    PhysicalType? Type,
    int TypeLength,
    Repetition? Repetition,
    int NumChildren,
    ConvertedType ConvertedType,
    int Scale,
    int Precision,
    LogicalType? LogicalType);

/// <summary>parquet.thrift <c>ColumnMetaData</c>: what is needed to find and decode a chunk's pages.</summary>
internal sealed record ColumnMetaData(
    PhysicalType Type,
    IReadOnlyList<string> PathInSchema,
    CompressionCodec Codec,
    long NumValues,
    long TotalUncompressedSize,
    long TotalCompressedSize,
    long DataPageOffset,
    long? DictionaryPageOffset);

/// <summary>parquet.thrift <c>ColumnChunk</c>.</summary>
internal sealed record ColumnChunk(string? FilePath, ColumnMetaData? MetaData);

/// <summary>parquet.thrift <c>RowGroup</c>.</summary>
internal sealed record RowGroup(IReadOnlyList<ColumnChunk> Columns, long TotalByteSize, long NumRows);

/// <summary>parquet.thrift <c>FileMetaData</c>.</summary>
internal sealed record FileMetadata(
    int Version,
    IReadOnlyList<SchemaElement> Schema,
    long NumRows,
    IReadOnlyList<RowGroup> RowGroups,
    IReadOnlyDictionary<string, string?> KeyValueMetadata,
    string? CreatedBy);

/// <summary>parquet.thrift <c>PageHeader</c> with the one sub-header its type uses.</summary>
internal sealed record PageHeader(
    PageType Type,
    int UncompressedPageSize,
    int CompressedPageSize,
    DataPageHeader? DataPage,
    DictionaryPageHeader? DictionaryPage,
    DataPageHeaderV2? DataPageV2);

/// <summary>parquet.thrift <c>DataPageHeader</c>.</summary>
internal sealed record DataPageHeader(int NumValues, ParquetEncoding Encoding, ParquetEncoding DefinitionLevelEncoding, ParquetEncoding RepetitionLevelEncoding);

/// <summary>parquet.thrift <c>DictionaryPageHeader</c>.</summary>
internal sealed record DictionaryPageHeader(int NumValues, ParquetEncoding Encoding);

/// <summary>parquet.thrift <c>DataPageHeaderV2</c>.</summary>
internal sealed record DataPageHeaderV2(
    int NumValues,
    int NumNulls,
    int NumRows,
    ParquetEncoding Encoding,
    int DefinitionLevelsByteLength,
    int RepetitionLevelsByteLength,
    bool IsCompressed);
