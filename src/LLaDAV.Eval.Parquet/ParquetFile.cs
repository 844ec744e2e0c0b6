using System.Buffers.Binary;
using LLaDAV.Eval.Parquet.Metadata;
using LLaDAV.Eval.Parquet.Reading;
using LLaDAV.Eval.Parquet.Schema;
using LLaDAV.Eval.Parquet.Thrift;
using Microsoft.Win32.SafeHandles;

namespace LLaDAV.Eval.Parquet;

/// <summary>
/// A Parquet file opened for reading: footer metadata at once, rows on demand, one row group at a time.
/// Reads use positioned I/O and per-call state, so several threads may read (e.g. different row groups) at once.
/// </summary>
/// <remarks>
/// Values in rows, by logical (or converted) type:
/// <list type="bullet">
/// <item>null for a missing value; BOOLEAN → <see cref="bool"/>.</item>
/// <item>INT32, INT(8/16/32, signed), UINT_8/16 → <see cref="int"/>; INT64 → <see cref="long"/>; UINT_32 → <see cref="long"/>;
/// UINT_64 → <see cref="ulong"/>.</item>
/// <item>FLOAT and FLOAT16 → <see cref="float"/>; DOUBLE → <see cref="double"/>.</item>
/// <item>DECIMAL (any physical type) → <see cref="decimal"/>, or its exact text as a <see cref="string"/> when it does
/// not fit <see cref="decimal"/> (more than 96 bits of mantissa or scale above 28).</item>
/// <item>STRING/UTF8, ENUM, JSON → <see cref="string"/>; UUID → <see cref="Guid"/>; other BYTE_ARRAY and
/// FIXED_LEN_BYTE_ARRAY → <see cref="T:byte[]"/>.</item>
/// <item>TIMESTAMP → <see cref="DateTime"/> (Kind Utc when isAdjustedToUTC, else Unspecified; nanoseconds truncated to
/// 100 ns ticks); INT96 → <see cref="DateTime"/> (Utc). DATE → <see cref="DateOnly"/>; TIME → <see cref="TimeSpan"/>.
/// A timestamp or date outside years 1–9999 comes back as what is stored: the count (<see cref="long"/> or
/// <see cref="int"/>), or for INT96 its 12 bytes.</item>
/// <item>Lists (LIST in its standard and legacy forms, and unannotated repeated fields) →
/// <see cref="IReadOnlyList{T}"/> of object?; structs → <see cref="IReadOnlyDictionary{TKey, TValue}"/> of
/// string → object?; maps → <see cref="IReadOnlyList{T}"/> of <see cref="KeyValuePair{TKey, TValue}"/> of object?.</item>
/// </list>
/// A Hugging Face <c>Image</c> column is a struct {bytes: byte[], path: string}; <c>Sequence(Image)</c> a list of it.
/// </remarks>
public sealed class ParquetFile : IDisposable
{
    private static readonly byte[] s_magic = "PAR1"u8.ToArray();

    private readonly SafeFileHandle _handle;
    private readonly HashSet<string> _leavesRead = new(StringComparer.Ordinal);

    /// <summary>Where the footer starts: column chunks must lie before it.</summary>
    private readonly long _dataEnd;
    private readonly FileMetadata _metadata;

    private ParquetFile(string path, SafeFileHandle handle, long dataEnd, FileMetadata metadata, ParquetSchema schema)
    {
        FilePath = path;
        _handle = handle;
        _dataEnd = dataEnd;
        _metadata = metadata;
        Schema = schema;
        RowGroupRowCounts = [.. metadata.RowGroups.Select(g => g.NumRows)];
        RowCount = RowGroupRowCounts.Sum();
    }

    public string FilePath { get; }

    /// <summary>Leaf columns whose chunks this instance has read so far (lets tests prove projection skips the rest).</summary>
    internal IReadOnlyCollection<string> LeafColumnsRead
    {
        get
        {
            lock (_leavesRead)
            {
                return [.. _leavesRead];
            }
        }
    }

    public ParquetSchema Schema { get; }

    /// <summary>
    /// Rows in the whole file: the sum of the row groups' counts, which are what reading yields. (The footer's own
    /// num_rows is not used: some writers leave it 0, e.g. parquet-testing's repeated_no_annotation.)
    /// </summary>
    public long RowCount { get; }

    public int RowGroupCount => _metadata.RowGroups.Count;

    public IReadOnlyList<long> RowGroupRowCounts { get; }

    /// <summary>The footer's key-value metadata (Hugging Face stores its <c>huggingface</c> features JSON here).</summary>
    public IReadOnlyDictionary<string, string?> KeyValueMetadata => _metadata.KeyValueMetadata;

    public string? CreatedBy => _metadata.CreatedBy;

    /// <summary>Opens a file and reads its footer; throws <see cref="ParquetFormatException"/> when it is not valid Parquet.</summary>
    public static ParquetFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            var footerLength = 0;
            var metadata = Guard(path, null, null, () => ReadFooter(handle, length, out footerLength));
            var schema = Guard(path, null, null, () => BuildSchema(metadata));
            return new ParquetFile(path, handle, length - 8 - footerLength, metadata, schema);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Streams rows, one row group at a time. <paramref name="columns"/> names top-level columns to read (null: all);
    /// the chunks of other columns are never read or decompressed.
    /// </summary>
    public IEnumerable<IReadOnlyDictionary<string, object?>> ReadRows(IReadOnlyCollection<string>? columns = null)
    {
        var fields = Select(columns);
        return Iterate(fields);
    }

    /// <summary>Reads the rows of one row group (projected to <paramref name="columns"/> when given).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> ReadRowGroup(int index, IReadOnlyCollection<string>? columns = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, RowGroupCount);
        var fields = Select(columns);
        var columnValues = ReadColumns(index, fields);
        var names = new FieldNames([.. fields.Select(f => f.Name)]);
        var rows = new IReadOnlyDictionary<string, object?>[RowGroupRowCounts[index]];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = MakeRow(names, columnValues, r);
        }

        return rows;
    }

    public void Dispose() => _handle.Dispose();

    private IEnumerable<IReadOnlyDictionary<string, object?>> Iterate(SchemaField[] fields)
    {
        var names = new FieldNames([.. fields.Select(f => f.Name)]);
        for (var g = 0; g < RowGroupCount; g++)
        {
            var columnValues = ReadColumns(g, fields);
            var rows = RowGroupRowCounts[g];

            // Rows are made as they are consumed, so a caller that does not keep them leaves only short-lived garbage.
            for (var r = 0; r < rows; r++)
            {
                yield return MakeRow(names, columnValues, (int)r);
            }
        }
    }

    private static NamedValues MakeRow(FieldNames names, object?[][] columnValues, int r)
    {
        var values = new object?[columnValues.Length];
        for (var f = 0; f < values.Length; f++)
        {
            values[f] = columnValues[f][r];
        }

        return new NamedValues(names, values);
    }

    private SchemaField[] Select(IReadOnlyCollection<string>? columns)
    {
        if (columns is null)
        {
            return [.. Schema.Fields];
        }

        var wanted = new HashSet<string>(columns, StringComparer.Ordinal);
        foreach (var name in wanted)
        {
            if (Schema.Find(name) is null)
            {
                throw new ArgumentException($"no top-level column '{name}' in '{FilePath}'; it has: {string.Join(", ", Schema.Fields.Select(f => f.Name))}", nameof(columns));
            }
        }

        return [.. Schema.Fields.Where(f => wanted.Contains(f.Name))];
    }

    /// <summary>Reads and assembles the selected top-level columns of one row group: one value array per field.</summary>
    private object?[][] ReadColumns(int index, SchemaField[] fields)
    {
        var group = _metadata.RowGroups[index];
        if (group.NumRows > Array.MaxLength)
        {
            throw new ParquetFormatException($"row group declares {group.NumRows} rows, more than one read can hold").WithContext(FilePath, index);
        }

        var rows = (int)group.NumRows;
        if (rows == 0)
        {
            // Nothing to read; an empty row group's chunks may not even point at pages
            // (parquet-testing's column_chunk_key_value_metadata).
            return [.. fields.Select(_ => Array.Empty<object?>())];
        }

        var leaves = new LeafData[Schema.Leaves.Count];
        var assembler = new RecordAssembler();
        var columns = new object?[fields.Length][];
        for (var f = 0; f < fields.Length; f++)
        {
            var field = fields[f];
            for (var l = field.LeafStart; l < field.LeafEnd; l++)
            {
                var leaf = Schema.Leaves[l];
                lock (_leavesRead)
                {
                    _leavesRead.Add(leaf.Path);
                }

                leaves[l] = Guard(FilePath, index, leaf.Path, () => ColumnChunkReader.Read(_handle, _dataEnd, group.Columns[l], leaf, rows));
            }

            columns[f] = Guard(FilePath, index, field.Path, () => assembler.Assemble(field, leaves, rows));
            for (var l = field.LeafStart; l < field.LeafEnd; l++)
            {
                leaves[l] = null!;
            }
        }

        return columns;
    }

    private static FileMetadata ReadFooter(SafeFileHandle handle, long length, out int footerLength)
    {
        if (length < 12)
        {
            throw new ParquetFormatException($"file has {length} bytes, too few for Parquet's header, footer length and magic");
        }

        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        RandomAccess.Read(handle, head, 0);
        RandomAccess.Read(handle, tail, length - 8);
        if (!head.SequenceEqual(s_magic) || !tail[4..].SequenceEqual(s_magic))
        {
            throw new ParquetFormatException(tail[4..].SequenceEqual("PARE"u8) ? "file uses Parquet modular encryption, which is not supported" : "file does not start and end with the Parquet magic 'PAR1'");
        }

        footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
        {
            throw new ParquetFormatException($"footer length {footerLength} does not fit in the file's {length} bytes");
        }

        var footer = new byte[footerLength];
        var read = 0;
        while (read < footer.Length)
        {
            var n = RandomAccess.Read(handle, footer.AsSpan(read), length - 8 - footer.Length + read);
            if (n == 0)
            {
                throw new ParquetFormatException("file ends inside its footer");
            }

            read += n;
        }

        return MetadataReader.ReadFileMetadata(new CompactReader(footer, 0, footer.Length));
    }

    private static ParquetSchema BuildSchema(FileMetadata metadata)
    {
        var schema = ParquetSchema.Build(metadata.Schema);
        foreach (var group in metadata.RowGroups)
        {
            if (group.Columns.Count != schema.Leaves.Count)
            {
                throw new ParquetFormatException($"a row group has {group.Columns.Count} column chunks but the schema has {schema.Leaves.Count} leaf columns");
            }
        }

        return schema;
    }

    /// <summary>
    /// Runs a decoding step and turns any failure into a <see cref="ParquetFormatException"/> naming the place. The
    /// decoders check sizes themselves; the runtime exceptions caught here are a safety net, so a corrupt file never
    /// escapes as an IndexOutOfRange or similar crash.
    /// </summary>
    private static T Guard<T>(string path, int? rowGroup, string? column, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (ParquetFormatException e)
        {
            throw e.WithContext(path, rowGroup, column);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidCastException or InvalidOperationException or NullReferenceException or FormatException or InvalidDataException)
        {
            throw new ParquetFormatException($"corrupt data ({e.GetType().Name}: {e.Message})", e).WithContext(path, rowGroup, column);
        }
    }
}
