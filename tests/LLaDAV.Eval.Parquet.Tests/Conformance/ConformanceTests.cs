using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Parquet.Tests.Conformance;

/// <summary>
/// The Apache parquet-testing files, read and compared column by column with two independent readers' dumps
/// (testdata/parquet-testing/expected/{duckdb,hyparquet}). Each file is its own test case.
/// </summary>
/// <remarks>
/// Where the references part ways (testdata/README.md), what this reader does:
/// <list type="bullet">
/// <item>byte_stream_split_extended.gzip, hadoop_lz4_compressed(_larger), non_hadoop_lz4_compressed: DuckDB rejects
/// them (FLOAT16/FLBA byte-stream-split, Hadoop LZ4 framing); we read them and match hyparquet.</item>
/// <item>map_no_value: DuckDB rejects; hyparquet shows the value-less MAP as a struct. We read it as a map with null
/// values, as the spec allows (<see cref="Map_without_value_field_reads_keys_with_null_values"/>).</item>
/// <item>datapage_v2_empty_datapage.snappy (an empty v2 page with no compressed bytes) and nation.dict-malformed (a
/// page running past its chunk's declared size): hyparquet rejects; we read them and match DuckDB.</item>
/// <item>large_string_map.brotli: both reject; we refuse it with the typed error
/// (<see cref="Page_expanding_beyond_the_bound_is_refused"/>).</item>
/// <item>bad_data files DuckDB still dumped: see <see cref="s_rejectedDespiteDump"/> and ARROW-GH-43605 in
/// <see cref="Bad_data_gives_typed_error"/>.</item>
/// </list>
/// Representation differences are handled in <see cref="ReferenceComparer"/> and <see cref="Tolerance"/>.
/// </remarks>
public sealed class ConformanceTests
{
    /// <summary>
    /// bad_data files that a reference reader nevertheless dumped, and what this reader does instead, with why.
    /// These follow Arrow C++ (the files' origin), which rejects them; the dumps are not used as expectations.
    /// </summary>
    private static readonly Dictionary<string, string> s_rejectedDespiteDump = new(StringComparer.Ordinal)
    {
        // Arrow GH-45185: the first repetition level is 1, so the first value claims to continue a row that was
        // never started. DuckDB silently starts a row there; we report the corrupt levels.
        ["bad_data-ARROW-GH-45185"] = "repetition levels start with",
        // arrow-rs GH-6229: a page declares more values than its repetition levels hold. DuckDB pads; we report it.
        ["bad_data-ARROW-RS-GH-6229-LEVELS"] = "pages hold more than",
    };

    public static TheoryData<string> DuckDbDumps => Dumps("duckdb");

    public static TheoryData<string> HyparquetDumps => Dumps("hyparquet");

    /// <summary>Data files, less the one refused on purpose (see <see cref="Page_expanding_beyond_the_bound_is_refused"/>).</summary>
    public static TheoryData<string> DataFiles => Names("data", "large_string_map.brotli.parquet");

    public static TheoryData<string> BadDataFiles => Names("bad_data");

    private static string Root => TestPaths.InTestData("parquet-testing");

    [Theory]
    [MemberData(nameof(DuckDbDumps))]
    public void Rows_match_DuckDB(string dump) => Check(dump, Reference.DuckDb);

    [Theory]
    [MemberData(nameof(HyparquetDumps))]
    public void Rows_match_hyparquet(string dump) => Check(dump, Reference.Hyparquet);

    /// <summary>Every conformance file reads completely, including those neither reference could read.</summary>
    [Theory]
    [MemberData(nameof(DataFiles))]
    public void Data_file_reads_completely(string name)
    {
        using var file = ParquetFile.Open(Path.Combine(Root, "data", name));
        var rows = file.ReadRows().Count();
        Assert.Equal(file.RowCount, rows);
        Assert.Equal(file.RowGroupRowCounts.Sum(), rows);
    }

    /// <summary>The files only one reference could read are exactly those the remarks above decide on.</summary>
    [Fact]
    public void Files_one_reference_rejected_are_the_documented_ones()
    {
        static HashSet<string> Data(TheoryData<string> dumps) =>
            [.. dumps.Select(row => row.Data).Where(d => d.StartsWith("data-", StringComparison.Ordinal))];
        var duck = Data(DuckDbDumps);
        var hyparquet = Data(HyparquetDumps);

        Assert.Equal(
            ["data-byte_stream_split_extended.gzip", "data-hadoop_lz4_compressed", "data-hadoop_lz4_compressed_larger", "data-map_no_value", "data-non_hadoop_lz4_compressed"],
            hyparquet.Except(duck).Order(StringComparer.Ordinal));
        Assert.Equal(["data-datapage_v2_empty_datapage.snappy", "data-nation.dict-malformed"], duck.Except(hyparquet).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A MAP whose key_value group has no value field is valid (LogicalTypes.md, "Maps": the key_value group has a
    /// key field "and optionally a value field"), so it reads as entries whose values are null. DuckDB rejects the
    /// file; hyparquet shows the column as a plain struct {key_value: [{key}]}. We compare the keys with hyparquet's.
    /// </summary>
    [Fact]
    public void Map_without_value_field_reads_keys_with_null_values()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "expected", "hyparquet", "data-map_no_value.json")))!.AsArray();
        using var file = ParquetFile.Open(Path.Combine(Root, "data", "map_no_value.parquet"));
        var rows = file.ReadRows(["my_map_no_v"]).ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var map = Assert.IsType<KeyValuePair<object?, object?>[]>(rows[r]["my_map_no_v"]);
            var keys = expected[r]!["my_map_no_v"]!["key_value"]!.AsArray().Select(e => e!["key"]!.GetValue<int>()).ToArray();
            Assert.Equal(keys, map.Select(e => (int)e.Key!).ToArray());
            Assert.All(map, e => Assert.Null(e.Value));
        }
    }

    /// <summary>
    /// large_string_map.brotli holds a page that expands from 1,627 bytes to 1 GiB (a string chunk built to pass
    /// 2 GB). Both references reject the file. Reading it would mean a 1 GiB page buffer; the reader's bound on page
    /// expansion (32,768:1, far above real codecs on real data) refuses it with the typed error instead.
    /// </summary>
    [Fact]
    public void Page_expanding_beyond_the_bound_is_refused()
    {
        var path = Path.Combine(Root, "data", "large_string_map.brotli.parquet");
        using var file = ParquetFile.Open(path);
        var e = Assert.Throws<ParquetFormatException>(() => file.ReadRows().Count());
        Assert.Contains("uncompressed bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal("arr.key_value.key", e.Column);
        Assert.Equal(0, e.RowGroup);
    }

    /// <summary>
    /// Every bad_data file fails with the typed error naming the file — never a crash, hang or huge allocation —
    /// except ARROW-GH-43605, which is valid Parquet: a dictionary of one entry indexed with bit width 0 (every
    /// index is 0). Both references read it, Arrow fixed its reader to accept it, and we compare it with them.
    /// </summary>
    [Theory]
    [MemberData(nameof(BadDataFiles))]
    public void Bad_data_gives_typed_error(string name)
    {
        var path = Path.Combine(Root, "bad_data", name);
        if (name == "ARROW-GH-43605.parquet")
        {
            Check("bad_data-ARROW-GH-43605", Reference.DuckDb);
            return;
        }

        var e = Assert.Throws<ParquetFormatException>(() =>
        {
            using var file = ParquetFile.Open(path);
            foreach (var row in file.ReadRows())
            {
                GC.KeepAlive(row);
            }
        });
        Assert.Equal(path, e.FilePath);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.False(e.Message.StartsWith("corrupt data (", StringComparison.Ordinal), $"caught only by the last-resort net: {e}");
    }

    private static void Check(string dump, Reference reference)
    {
        var dir = dump.StartsWith("bad_data-", StringComparison.Ordinal) ? "bad_data" : "data";
        var path = Path.Combine(Root, dir, dump[(dir.Length + 1)..] + ".parquet");
        if (s_rejectedDespiteDump.TryGetValue(dump, out var why))
        {
            var e = Assert.Throws<ParquetFormatException>(() => ParquetFile.Open(path).ReadRows().Count());
            Assert.Contains(why, e.Message, StringComparison.Ordinal);
            return;
        }

        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "expected", reference == Reference.DuckDb ? "duckdb" : "hyparquet", dump + ".json")))!.AsArray();
        using var file = ParquetFile.Open(path);
        var rows = file.ReadRows().ToList();
        Assert.Equal(expected.Count, rows.Count);
        var problems = new List<string>();
        var tolerance = Tolerance(dump, reference);
        for (var r = 0; r < rows.Count && problems.Count < 20; r++)
        {
            var row = expected[r]!.AsObject();
            foreach (var (column, value) in rows[r])
            {
                if (!ComparedElsewhere(dump, reference, column))
                {
                    ReferenceComparer.Compare(value, row.TryGetPropertyValue(column, out var e) ? e : null, reference, $"row {r}.{column}", problems, tolerance);
                }
            }

            foreach (var (column, _) in expected[r]!.AsObject())
            {
                if (!rows[r].ContainsKey(column))
                {
                    problems.Add($"row {r}: reference has column '{column}' the reader did not return");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>Where a reference renders a value differently on purpose, a predicate accepting that rendering.</summary>
    private static Func<object?, JsonNode?, bool>? Tolerance(string dump, Reference reference) => (dump, reference) switch
    {
        // A REPEATED field without LIST annotation that occurs zero times is an empty list: a repeated field has
        // no null state (Dremel levels give it none). DuckDB agrees; hyparquet writes null.
        ("data-repeated_primitive_no_list", Reference.Hyparquet) => (actual, expected) => expected is null && actual is IReadOnlyList<object?> { Count: 0 },
        _ => null,
    };

    /// <summary>Columns compared by a dedicated test instead, because the reference shapes them differently.</summary>
    private static bool ComparedElsewhere(string dump, Reference reference, string column) =>
        (dump, reference, column) is ("data-map_no_value", Reference.Hyparquet, "my_map_no_v");

    private static TheoryData<string> Dumps(string reference)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Root, "expected", reference), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(f));
        }

        return data;
    }

    private static TheoryData<string> Names(string dir, params string[] except)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Root, dir), "*.parquet").Order(StringComparer.Ordinal))
        {
            if (!except.Contains(Path.GetFileName(f)))
            {
                data.Add(Path.GetFileName(f));
            }
        }

        return data;
    }
}
