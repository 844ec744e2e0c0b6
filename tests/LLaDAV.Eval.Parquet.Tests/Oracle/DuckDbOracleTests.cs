using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using DuckDB.NET.Data;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Parquet.Tests.Oracle;

/// <summary>
/// DuckDB (DuckDB.NET.Data.Full, in process, test-only) as a live oracle: every parquet-testing data file and every
/// dataset fixture is read with <c>read_parquet</c> and with our reader, and compared column by column: row count,
/// null positions of every top-level column, and values at every level: structs field by field, lists element by
/// element, maps entry by entry, nulls wherever they are, and the leaves (booleans, integers, floats, decimals,
/// strings, UUIDs, blobs byte for byte). Temporal values (dates, times, timestamps) are not compared here (DuckDB.NET
/// throws on out-of-DateTime-range ones, and no rule for its DateTime kinds against ours is settled); they are compared
/// against DuckDB's dumps in <see cref="Conformance.ConformanceTests"/>. Files DuckDB itself cannot read, and
/// columns DuckDB.NET cannot convert to CLR values, are listed with the reason.
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

    /// <summary>
    /// Columns ("file/column") DuckDB reads but DuckDB.NET 1.5.6.1 cannot turn into CLR values, and why. Only their
    /// null positions are compared; their values are compared against DuckDB's dumps in ConformanceTests.
    /// </summary>
    private static readonly Dictionary<string, string> s_duckDbNetCannotConvert = new(StringComparer.Ordinal)
    {
        ["nested_structs.rust.parquet/ul_observation_date"] = "a struct of timestamps outside DateTime's range: DuckDB.NET throws converting them",
        ["nullable.impala.parquet/nested_struct"] = "a struct whose lists hold null integers: DuckDB.NET converts struct fields to non-nullable element types and throws",
    };

    private static string FixtureDir => Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Parquet.Tests", "Fixtures");

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

    /// <summary>
    /// The Hugging Face-shaped dataset files the repository carries: tests/…/Fixtures (written by DuckDB and by
    /// hyparquet-writer) and any Parquet sample under tasks/ (none today: the task samples are JSONL), relative to the
    /// repository root.
    /// </summary>
    public static TheoryData<string> DatasetFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in DatasetFixturePaths())
        {
            data.Add(Path.GetRelativePath(TestPaths.RepoRoot, file));
        }

        return data;
    }

    private static IEnumerable<string> DatasetFixturePaths() =>
        Directory.GetFiles(FixtureDir, "*.parquet")
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tasks"), "*.parquet", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(DataFiles))]
    public void Values_match_DuckDB_read_parquet(string name)
    {
        var path = Path.Combine(TestPaths.InTestData("parquet-testing"), "data", name);
        List<DuckColumn> expected;
        try
        {
            expected = ReadWithDuckDb(path);
        }
        catch (DuckDBException e)
        {
            // A file DuckDB refuses must be one of the known ones; it is then skipped with the known reason and DuckDB's error.
            var refusal = e.Message.Split('\n')[0];
            Assert.True(s_duckDbCannotRead.TryGetValue(name, out var why), $"DuckDB cannot read {name} and it is not a known case: {refusal}");
            Assert.Skip($"DuckDB cannot read {name}: {why} ({refusal})");
            return;
        }

        Assert.False(s_duckDbCannotRead.ContainsKey(name), $"DuckDB now reads {name}: take it off the list of files it cannot read");
        var unconverted = expected.Where(c => c.NotConverted is not null).Select(c => $"{name}/{c.Name}").ToList();
        var listed = s_duckDbNetCannotConvert.Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal)).ToList();
        Assert.True(unconverted.Order(StringComparer.Ordinal).SequenceEqual(listed.Order(StringComparer.Ordinal)),
            $"columns DuckDB.NET cannot convert: {string.Join("; ", expected.Where(c => c.NotConverted is not null).Select(c => $"{c.Name}: {c.NotConverted}"))}; listed: {string.Join(", ", listed)}");

        var tally = Compare(path, expected, out var problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(tally.Values + tally.Containers > 0 || expected.All(c => c.Values.All(v => v is null or NotCompared)), "no value was compared");
    }

    [Theory]
    [MemberData(nameof(DatasetFixtures))]
    public void Dataset_fixture_matches_DuckDB_in_every_value(string relativePath)
    {
        var path = Path.Combine(TestPaths.RepoRoot, relativePath);
        var expected = ReadWithDuckDb(path);
        Assert.All(expected, c => Assert.Null(c.NotConverted));
        using (var file = ParquetFile.Open(path))
        {
            Assert.Equal(expected.Select(c => c.Name), file.Schema.Fields.Select(f => f.Name));
        }

        var tally = Compare(path, expected, out var problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Every value of every column, at every level, was compared: none was left out as not comparable, and the
        // counts are those of the rows the fixture generator wrote (make-fixtures.cjs's <name>.expected.json), so the
        // comparison cannot quietly shrink.
        Assert.Equal(0, tally.Skipped);
        Assert.All(expected, c => Assert.DoesNotContain(c.Values, v => v is NotCompared));
        Assert.Equal(GeneratedCounts(path), (expected.Count, tally.Values, tally.Nulls, tally.Containers));
    }

    /// <summary>
    /// Columns, non-null leaf values, nulls and containers (objects, arrays) of the rows in the generator's
    /// <c>&lt;name&gt;.expected.json</c> beside a fixture <c>&lt;name&gt;.&lt;writer&gt;.parquet</c>: each writer's file holds those rows.
    /// </summary>
    private static (int Columns, long Values, long Nulls, long Containers) GeneratedCounts(string fixture)
    {
        var name = Path.GetFileName(fixture).Split('.')[0];
        var json = Path.Combine(Path.GetDirectoryName(fixture)!, name + ".expected.json");
        if (!File.Exists(json))
        {
            // The embedded samples' Parquet files (tasks/*/sample/hub/...) keep their generator's rows apart, so the
            // sample snapshots hold only what the real repositories hold (tasks/tools/jsonl-to-parquet.cjs).
            json = Path.Combine(TestPaths.RepoRoot, "tasks", "tools", "expected", name + ".expected.json");
        }

        Assert.True(File.Exists(json), $"{json} is missing: a dataset fixture needs the rows its generator wrote (see Fixtures/make-fixtures.cjs)");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows");
        long values = 0, nulls = 0, containers = 0;
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Null:
                    nulls++;
                    break;
                case JsonValueKind.Object:
                    containers++;
                    foreach (var p in e.EnumerateObject())
                    {
                        Walk(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    containers++;
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
                default:
                    values++;
                    break;
            }
        }

        foreach (var row in rows.EnumerateArray())
        {
            foreach (var column in row.EnumerateObject())
            {
                Walk(column.Value);
            }
        }

        return (rows[0].EnumerateObject().Count(), values, nulls, containers);
    }

    /// <summary>Reads the file with our reader and compares it with DuckDB's columns; returns what was compared.</summary>
    private static Tally Compare(string path, List<DuckColumn> expected, out List<string> problems)
    {
        using var file = ParquetFile.Open(path);
        var rows = file.ReadRows().ToList();
        Assert.Equal(expected.Count == 0 ? 0 : expected[0].Values.Length, rows.Count);
        var tally = new Tally();
        problems = [];
        foreach (var column in expected)
        {
            for (var r = 0; r < column.Values.Length; r++)
            {
                var ours = rows[r].TryGetValue(column.Name, out var v) ? v : null;
                CompareValue(ours, column.Values[r], $"{column.Name}[{r}] ({column.Type})", tally, problems);
            }
        }

        return tally;
    }

    /// <summary>Compares one value of ours with DuckDB's, recursing into structs, lists and maps.</summary>
    private static void CompareValue(object? ours, object? duck, string where, Tally tally, List<string> problems)
    {
        if ((ours is null) != (duck is null))
        {
            Problem(problems, $"{where}: ours {Show(ours)}, DuckDB {Show(duck)}");
            return;
        }

        if (ours is null || duck is null)
        {
            tally.Nulls++;
            return;
        }

        switch (duck)
        {
            case NotCompared:
                tally.Skipped++;
                break;
            case DuckStruct s:
                if (ours is not IReadOnlyDictionary<string, object?> fields)
                {
                    Problem(problems, $"{where}: ours {Show(ours)}, DuckDB a struct");
                    break;
                }

                if (!fields.Keys.SequenceEqual(s.Fields.Select(f => f.Key), StringComparer.Ordinal))
                {
                    Problem(problems, $"{where}: our struct fields [{string.Join(", ", fields.Keys)}], DuckDB's [{string.Join(", ", s.Fields.Select(f => f.Key))}]");
                    break;
                }

                tally.Containers++;
                foreach (var (name, value) in s.Fields)
                {
                    CompareValue(fields[name], value, $"{where}.{name}", tally, problems);
                }

                break;
            case DuckMap m:
                if (ours is not IReadOnlyList<KeyValuePair<object?, object?>> entries)
                {
                    Problem(problems, $"{where}: ours {Show(ours)}, DuckDB a map");
                    break;
                }

                if (entries.Count != m.Entries.Count)
                {
                    Problem(problems, $"{where}: our map has {entries.Count} entries, DuckDB's {m.Entries.Count}");
                    break;
                }

                tally.Containers++;
                for (var i = 0; i < entries.Count; i++)
                {
                    CompareValue(entries[i].Key, m.Entries[i].Key, $"{where}{{{i}}}.key", tally, problems);
                    CompareValue(entries[i].Value, m.Entries[i].Value, $"{where}{{{i}}}.value", tally, problems);
                }

                break;
            case DuckList l:
                if (ours is not IReadOnlyList<object?> items)
                {
                    Problem(problems, $"{where}: ours {Show(ours)}, DuckDB a list");
                    break;
                }

                if (items.Count != l.Items.Count)
                {
                    Problem(problems, $"{where}: our list has {items.Count} items, DuckDB's {l.Items.Count}");
                    break;
                }

                tally.Containers++;
                for (var i = 0; i < items.Count; i++)
                {
                    CompareValue(items[i], l.Items[i], $"{where}[{i}]", tally, problems);
                }

                break;
            case byte[] bytes:
                if (ours is not byte[] ourBytes || !ourBytes.AsSpan().SequenceEqual(bytes))
                {
                    Problem(problems, $"{where}: ours {Show(ours)}, DuckDB {Show(bytes)}");
                }

                tally.Values++;
                break;
            default:
                if (!Same(ours, duck))
                {
                    Problem(problems, $"{where}: ours {Show(ours)}, DuckDB {Show(duck)}");
                }

                tally.Values++;
                break;
        }
    }

    private static void Problem(List<string> problems, string problem)
    {
        if (problems.Count < 10)
        {
            problems.Add(problem);
        }
        else if (problems.Count == 10)
        {
            problems.Add("(more problems not shown)");
        }
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        byte[] b => $"{b.Length} bytes {Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 16)))}{(b.Length > 16 ? "…" : "")}",
        string s => $"\"{s}\" ({v.GetType().Name})",
        _ => $"{Convert.ToString(v, CultureInfo.InvariantCulture)} ({v.GetType().Name})",
    };

    private static List<DuckColumn> ReadWithDuckDb(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new DuckColumn(reader.GetName(i), reader.GetDataTypeName(i), NullableElements(reader.GetFieldType(i)))).ToList();
        var values = columns.Select(_ => new List<object?>()).ToList();
        while (reader.Read())
        {
            for (var i = 0; i < columns.Count; i++)
            {
                values[i].Add(reader.IsDBNull(i) ? null : ReadValue(reader, i, columns[i]));
            }
        }

        for (var i = 0; i < columns.Count; i++)
        {
            columns[i].Values = [.. values[i].Select(v => v is not null && columns[i].NotConverted is not null ? NotCompared.Instance : v)];
        }

        return columns;
    }

    private static readonly MethodInfo s_getFieldValue = typeof(DuckDBDataReader).GetMethods()
        .Single(m => m.Name == nameof(DuckDBDataReader.GetFieldValue) && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(int));

    /// <summary>One non-null DuckDB value as plain CLR values (blobs copied out of DuckDB's memory while the row is current).</summary>
    private static object? ReadValue(DuckDBDataReader reader, int i, DuckColumn column)
    {
        if (column.NotConverted is not null || IsTemporal(column.ClrType))
        {
            return NotCompared.Instance;
        }

        try
        {
            // Lists and maps are read with nullable element types: DuckDB.NET's own List<int> throws on a null item.
            return Materialize(s_getFieldValue.MakeGenericMethod(column.ClrType).Invoke(reader, [i]));
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidCastException or ArgumentOutOfRangeException)
        {
            column.NotConverted = e.InnerException.Message;
            return NotCompared.Instance;
        }
    }

    /// <summary>The type to ask DuckDB.NET for: its own, with value-type list items and map values made nullable.</summary>
    private static Type NullableElements(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return typeof(List<>).MakeGenericType(Nullable(NullableElements(type.GetGenericArguments()[0])));
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type != typeof(Dictionary<string, object>))
        {
            var args = type.GetGenericArguments();
            return typeof(Dictionary<,>).MakeGenericType(args[0], Nullable(NullableElements(args[1])));
        }

        return type;

        static Type Nullable(Type t) => t.IsValueType && System.Nullable.GetUnderlyingType(t) is null ? typeof(Nullable<>).MakeGenericType(t) : t;
    }

    private static bool IsTemporal(Type type) => type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(TimeSpan);

    /// <summary>
    /// DuckDB.NET's values as this test's: STRUCT (a <c>Dictionary&lt;string, object&gt;</c>, its fields in order) →
    /// <see cref="DuckStruct"/>; MAP (any other Dictionary) → <see cref="DuckMap"/>; LIST → <see cref="DuckList"/>;
    /// BLOB (a Stream over DuckDB's memory) → byte[]; temporal → <see cref="NotCompared"/>; other scalars as they are.
    /// </summary>
    private static object? Materialize(object? value) => value switch
    {
        null => null,
        Stream s => ReadAll(s),
        Dictionary<string, object> s => new DuckStruct([.. s.Select(f => new KeyValuePair<string, object?>(f.Key, Materialize(f.Value)))]),
        IDictionary m => new DuckMap(Entries(m)),
        IList l => new DuckList([.. l.Cast<object?>().Select(Materialize)]),
        _ when IsTemporal(value.GetType()) => NotCompared.Instance,
        _ => value,
    };

    private static List<KeyValuePair<object?, object?>> Entries(IDictionary map)
    {
        var entries = new List<KeyValuePair<object?, object?>>();
        var e = map.GetEnumerator();
        while (e.MoveNext())
        {
            entries.Add(new KeyValuePair<object?, object?>(Materialize(e.Key), Materialize(e.Value)));
        }

        return entries;
    }

    private static byte[] ReadAll(Stream s)
    {
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Same(object ours, object duck) => (ours, duck) switch
    {
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        (float a, float b) => a.Equals(b),
        (double a, double b) => a.Equals(b),
        (float a, double b) => ((double)a).Equals(b),
        (double a, float b) => a.Equals((double)b),
        (decimal a, decimal b) => a == b,
        (Guid a, Guid b) => a == b,
        _ when IsInteger(ours) && IsInteger(duck) => Convert.ToDecimal(ours, CultureInfo.InvariantCulture) == Convert.ToDecimal(duck, CultureInfo.InvariantCulture),
        (byte[] a, string b) => System.Text.Encoding.UTF8.GetString(a) == b,
        _ => string.Equals(Convert.ToString(ours, CultureInfo.InvariantCulture), Convert.ToString(duck, CultureInfo.InvariantCulture), StringComparison.Ordinal),
    };

    private static bool IsInteger(object v) => v is sbyte or byte or short or ushort or int or uint or long or ulong;

    private sealed class DuckColumn(string name, string type, Type clrType)
    {
        public string Name { get; } = name;

        public string Type { get; } = type;

        /// <summary>What DuckDB.NET is asked to convert this column's values to.</summary>
        public Type ClrType { get; } = clrType;

        /// <summary>Why DuckDB.NET could not convert a value of this column (then none of its values is compared).</summary>
        public string? NotConverted { get; set; }

        public object?[] Values { get; set; } = [];
    }

    private sealed class Tally
    {
        public long Values { get; set; }

        public long Nulls { get; set; }

        public long Skipped { get; set; }

        /// <summary>Structs, lists and maps whose shape (fields, item or entry count) was compared.</summary>
        public long Containers { get; set; }
    }

    private sealed record DuckStruct(IReadOnlyList<KeyValuePair<string, object?>> Fields);

    private sealed record DuckMap(IReadOnlyList<KeyValuePair<object?, object?>> Entries);

    private sealed record DuckList(IReadOnlyList<object?> Items);

    private sealed class NotCompared
    {
        public static readonly NotCompared Instance = new();

        public override string ToString() => "(value not compared)";
    }
}
