using LLaDAV.Eval.Data;

namespace LLaDAV.Eval.Tests.Data;

/// <summary>JSON Lines rows carry the same value types as Parquet rows: integers as long, reals as double.</summary>
public sealed class JsonLinesReaderTests
{
    [Fact]
    public void Should_keep_integers_as_long_and_reals_as_double()
    {
        var path = Path.GetTempFileName() + ".jsonl";
        try
        {
            File.WriteAllText(path, "{\"a\": 3, \"b\": 2.5, \"c\": [1, \"x\"], \"d\": {\"base64\": \"AAE=\"}}\n");
            var row = new JsonLinesReader().Read(path, null, CancellationToken.None).Single();
            Assert.IsType<long>(row["a"]);
            Assert.Equal(3L, row["a"]);
            Assert.Equal(2.5, row["b"]);
            Assert.Equal(new object?[] { 1L, "x" }, (List<object?>)row["c"]!);
            Assert.Equal(new byte[] { 0, 1 }, row["d"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_name_the_file_and_line_of_bad_base64()
    {
        var path = Path.GetTempFileName() + ".jsonl";
        try
        {
            File.WriteAllText(path, "{\"a\": 1}\n{\"img\": {\"base64\": \"@@ not base64 @@\"}}\n");
            var e = Assert.Throws<LLaDAV.Eval.Errors.DataException>(() => new JsonLinesReader().Read(path, null, CancellationToken.None).ToList());
            Assert.Contains($"{path}:2:", e.Message, StringComparison.Ordinal);
            Assert.Contains("base64", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
