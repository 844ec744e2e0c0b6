using System.Globalization;
using DuckDB.NET.Data;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Parquet.Tests.Oracle;

/// <summary>
/// DuckDB (DuckDB.NET.Data.Full, in process, test-only) as a live oracle: every parquet-testing data file is read
/// with <c>read_parquet</c> and with our reader, and compared column by column: row count, null positions of every
/// top-level column, and values of top-level integer, floating-point, boolean and string columns (other types, e.g.
/// nested, decimal, temporal, are compared against DuckDB's dumps in <see cref="Conformance.ConformanceTests"/>).
/// Files DuckDB itself cannot read are skipped with DuckDB's error as the reason.
/// </summary>
public sealed class DuckDbOracleTests
{
    /// <summary>Data files DuckDB 1.5 refuses (we read them and match hyparquet's dumps in ConformanceTests), and why.</summary>
    private static readonly Dictionary<string, string> s_duckDbCannotRead = new(StringComparer.Ordinal)
    {
        ["byte_stream_split_extended.gzip.parquet"] = "FLOAT16/FIXED_LEN_BYTE_ARRAY byte-stream-split is not implemented in DuckDB",
        ["hadoop_lz4_compressed.parquet"] = "Hadoop LZ4 framing (the deprecated LZ4 codec) is not implemented in DuckDB",
        ["hadoop_lz4_compressed_larger.parquet"] = "Hadoop LZ4 framing (the deprecated LZ4 codec) is not implemented in DuckDB",
        ["non_hadoop_lz4_compressed.parquet"] = "the deprecated LZ4 codec is not implemented in DuckDB",
        ["map_no_value.parquet"] = "DuckDB rejects a MAP without a value field",
    };

    public static TheoryData<string> DataFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.InTestData("parquet-testing"), "data"), "*.parquet").Order(StringComparer.Ordinal))
        {
            // Refused on purpose by our reader (a page expanding beyond its bound; see ConformanceTests).
            if (Path.GetFileName(file) != "large_string_map.brotli.parquet")
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DataFiles))]
    public void Values_match_DuckDB_read_parquet(string name)
    {
        var path = Path.Combine(TestPaths.InTestData("parquet-testing"), "data", name);
        var (expected, refusal) = TryReadWithDuckDb(path);
        if (refusal is not null)
        {
            // A file DuckDB refuses must be one of the known ones; it is then skipped with the known reason and DuckDB's error.
            Assert.True(s_duckDbCannotRead.TryGetValue(name, out var why), $"DuckDB cannot read {name} and it is not a known case: {refusal}");
            Assert.Skip($"DuckDB cannot read {name}: {why} ({refusal})");
        }

        using var file = ParquetFile.Open(path);
        var rows = file.ReadRows().ToList();
        Assert.Equal(expected.Count == 0 ? 0 : expected[0].Values.Length, rows.Count);
        var problems = new List<string>();
        var compared = 0;
        foreach (var (column, type, values) in expected)
        {
            for (var r = 0; r < values.Length && problems.Count < 10; r++)
            {
                var ours = rows[r].TryGetValue(column, out var v) ? v : null;
                if ((ours is null) != (values[r] is null))
                {
                    problems.Add($"{column}[{r}] ({type}): ours {ours ?? "null"}, DuckDB {values[r] ?? "null"}");
                    continue;
                }

                if (ours is not null && values[r] is not NotCompared && !Same(ours, values[r]!))
                {
                    problems.Add($"{column}[{r}] ({type}): ours {ours}, DuckDB {values[r]}");
                }

                compared += values[r] is null or NotCompared ? 0 : 1;
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(compared > 0 || expected.All(c => c.Values.All(v => v is null or NotCompared)), "no value was compared");
    }

    /// <summary>DuckDB's columns of the file, or (empty, the first line of DuckDB's error) where DuckDB refuses it.</summary>
    private static (List<(string Name, string Type, object?[] Values)> Columns, string? Refusal) TryReadWithDuckDb(string path)
    {
        try
        {
            return (ReadWithDuckDb(path), null);
        }
        catch (DuckDBException e)
        {
            return ([], e.Message.Split('\n')[0]);
        }
    }

    private static List<(string, string, object?[])> ReadWithDuckDb(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i), new List<object?>())).ToList();
        while (reader.Read())
        {
            for (var i = 0; i < columns.Count; i++)
            {
                // Only scalar columns are converted: DuckDB.NET throws converting out-of-DateTime-range timestamps and
                // lists holding nulls, which are compared against DuckDB's dumps in ConformanceTests instead.
                columns[i].Item3.Add(reader.IsDBNull(i) ? null : IsScalar(reader.GetFieldType(i)) ? reader.GetValue(i) : NotCompared.Instance);
            }
        }

        return columns.Select(c => (c.Item1, c.Item2, c.Item3.ToArray())).ToList();
    }

    /// <summary>Whether a DuckDB column's .NET type is a scalar compared value by value (else only null-ness is).</summary>
    private static bool IsScalar(Type type) => type == typeof(bool) || type == typeof(string) || type == typeof(float) || type == typeof(double)
        || type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int)
        || type == typeof(uint) || type == typeof(long) || type == typeof(ulong);

    private sealed class NotCompared
    {
        public static readonly NotCompared Instance = new();

        public override string ToString() => "(value not compared)";
    }

    private static bool Same(object ours, object duck) => (ours, duck) switch
    {
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        (float a, float b) => a.Equals(b),
        (double a, double b) => a.Equals(b),
        (float a, double b) => ((double)a).Equals(b),
        (double a, float b) => a.Equals((double)b),
        _ when IsInteger(ours) && IsInteger(duck) => Convert.ToDecimal(ours, CultureInfo.InvariantCulture) == Convert.ToDecimal(duck, CultureInfo.InvariantCulture),
        (byte[] a, string b) => System.Text.Encoding.UTF8.GetString(a) == b,
        _ => string.Equals(Convert.ToString(ours, CultureInfo.InvariantCulture), Convert.ToString(duck, CultureInfo.InvariantCulture), StringComparison.Ordinal),
    };

    private static bool IsInteger(object v) => v is sbyte or byte or short or ushort or int or uint or long or ulong;
}
