using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Parquet.Metadata;
using LLaDAV.Eval.Parquet.Schema;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Parquet.Tests;

/// <summary>
/// Files in the exact shape of Hugging Face benchmark splits (Fixtures/make-fixtures.cjs wrote them with DuckDB in
/// SNAPPY and ZSTD, and with hyparquet-writer in SNAPPY; 8-row row groups). Expected values are the writer's input (Fixtures/*.expected.json).
/// </summary>
public sealed class HuggingFaceShapeTests
{
    public static TheoryData<string, string> Fixtures => new()
    {
        { "mmmu.snappy.parquet", "mmmu.expected.json" },
        { "mmmu.zstd.parquet", "mmmu.expected.json" },
        { "sequence_image.snappy.parquet", "sequence_image.expected.json" },
        { "sequence_image.zstd.parquet", "sequence_image.expected.json" },
        { "mmmu.hyparquet.snappy.parquet", "mmmu.expected.json" },
        { "sequence_image.hyparquet.snappy.parquet", "sequence_image.expected.json" },
    };

    private static string Dir => Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Parquet.Tests", "Fixtures");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Rows_equal_what_the_writer_wrote(string fixture, string expectedFile)
    {
        var expected = Load(expectedFile);
        using var file = ParquetFile.Open(Path.Combine(Dir, fixture));

        Assert.Equal(expected["huggingface"]!.GetValue<string>(), file.KeyValueMetadata["huggingface"]);
        var rows = file.ReadRows().ToList();
        var expectedRows = expected["rows"]!.AsArray();
        Assert.Equal(expectedRows.Count, rows.Count);
        Assert.True(file.RowGroupCount > 1, "fixtures span several row groups");
        Assert.All(file.RowGroupRowCounts.SkipLast(1), n => Assert.Equal(expected["rowGroupSize"]!.GetValue<int>(), n));
        for (var r = 0; r < rows.Count; r++)
        {
            var want = expectedRows[r]!.AsObject();
            Assert.Equal(want.Select(p => p.Key), rows[r].Keys);
            foreach (var (column, value) in want)
            {
                AssertSame(value, rows[r][column], $"row {r}.{column}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Projection_reads_only_the_question_column(string fixture, string expectedFile)
    {
        var expectedRows = Load(expectedFile)["rows"]!.AsArray();
        using var file = ParquetFile.Open(Path.Combine(Dir, fixture));

        var questions = file.ReadRows(["question"]).ToList();

        Assert.Equal(expectedRows.Select(r => r!["question"]!.GetValue<string>()), questions.Select(r => (string)r["question"]!));
        Assert.All(questions, r => Assert.Equal(["question"], r.Keys));
        // No chunk of any image (or other) column was read, let alone decompressed.
        Assert.Equal(["question"], file.LeafColumnsRead);
    }

    [Fact]
    public void Image_columns_are_structs_of_bytes_and_path()
    {
        using var file = ParquetFile.Open(Path.Combine(Dir, "mmmu.zstd.parquet"));
        var image = file.Schema.Find("image_1")!;
        Assert.Equal(FieldShape.Struct, image.Shape);
        Assert.Equal(["bytes", "path"], image.Children.Select(c => c.Name));
        Assert.Equal(PhysicalType.ByteArray, image.Children[0].PhysicalType);
        Assert.True(image.Children[1].LogicalType?.Kind == LogicalTypeKind.String || image.Children[1].ConvertedType == ConvertedType.Utf8);
    }

    [Fact]
    public void Sequence_of_images_is_a_list_of_structs()
    {
        using var file = ParquetFile.Open(Path.Combine(Dir, "sequence_image.snappy.parquet"));
        var images = file.Schema.Find("images")!;
        Assert.Equal(FieldShape.List, images.Shape);
        var row = file.ReadRows(["images"]).First();
        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(row["images"]);
        var first = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(list[0]);
        Assert.IsType<byte[]>(first["bytes"]);
    }

    [Fact]
    public void Row_groups_read_in_parallel_equal_a_sequential_read()
    {
        using var file = ParquetFile.Open(Path.Combine(Dir, "sequence_image.zstd.parquet"));
        var sequential = file.ReadRows(["idx", "question"]).Select(r => ((long)r["idx"]!, (string)r["question"]!)).ToList();

        var groups = new IReadOnlyList<IReadOnlyDictionary<string, object?>>[file.RowGroupCount];
        Parallel.For(0, file.RowGroupCount, g => groups[g] = file.ReadRowGroup(g, ["idx", "question"]));

        Assert.Equal(sequential, groups.SelectMany(g => g).Select(r => ((long)r["idx"]!, (string)r["question"]!)));
    }

    [Fact]
    public void Unknown_projected_column_is_named_in_the_error()
    {
        using var file = ParquetFile.Open(Path.Combine(Dir, "mmmu.snappy.parquet"));
        var e = Assert.Throws<ArgumentException>(() => file.ReadRows(["no_such_column"]));
        Assert.Contains("no_such_column", e.Message, StringComparison.Ordinal);
        Assert.Contains("question", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, name)))!.AsObject();

    /// <summary>The fixtures' JSON: bytes as base64, 64-bit integers as strings, images as {bytes, path}.</summary>
    private static void AssertSame(JsonNode? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{where}: expected null, read {actual}");
                break;
            case JsonArray array:
                var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(actual);
                Assert.True(array.Count == list.Count, $"{where}: expected {array.Count} items, read {list.Count}");
                for (var i = 0; i < list.Count; i++)
                {
                    AssertSame(array[i], list[i], $"{where}[{i}]");
                }

                break;
            case JsonObject obj:
                var st = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(actual);
                Assert.Equal(obj.Select(p => p.Key), st.Keys);
                AssertSame(obj["path"], st["path"], $"{where}.path");
                var bytes = obj["bytes"];
                if (bytes is null)
                {
                    Assert.Null(st["bytes"]);
                }
                else
                {
                    Assert.Equal(Convert.FromBase64String(bytes.GetValue<string>()), Assert.IsType<byte[]>(st["bytes"]));
                }

                break;
            case JsonValue v when actual is long l:
                Assert.Equal(long.Parse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), l);
                break;
            case JsonValue v:
                Assert.True(v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == actual as string, $"{where}: expected {v.ToJsonString()}, read {actual}");
                break;
        }
    }
}
