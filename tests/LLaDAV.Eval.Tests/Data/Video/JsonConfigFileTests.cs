using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// <c>.json</c> split files as HF's json builder reads them (MVBench's <c>json/&lt;config&gt;.json</c>): an array of
/// row objects, or JSON Lines.
/// </summary>
public sealed class JsonConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "lladav-json-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void An_array_file_gives_one_row_per_object()
    {
        var path = Write("a.json", "  [{\"video\": \"v.mp4\", \"candidates\": [\"x\", \"y\"], \"n\": 3}, {\"video\": \"w.mp4\", \"candidates\": [], \"n\": 1.5}]");
        var reader = new JsonLinesReader();

        var rows = reader.Read(path, null, CancellationToken.None).ToList();

        Assert.True(reader.CanRead(path));
        Assert.Equal(2, rows.Count);
        Assert.Equal(2L, reader.CountRows(path));
        Assert.Equal("v.mp4", rows[0]["video"]);
        Assert.Equal(["x", "y"], ((IEnumerable<object?>)rows[0]["candidates"]!).Cast<string>());
        Assert.Equal(3.0, Convert.ToDouble(rows[0]["n"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1.5, rows[1]["n"]);
        Assert.Equal(["video"], reader.Read(path, ["video"], CancellationToken.None).First().Keys);
    }

    [Fact]
    public void A_json_file_of_lines_is_read_as_json_lines()
    {
        var path = Write("b.json", "{\"a\": 1}\n{\"a\": 2}\n");

        Assert.Equal([1.0, 2.0], new JsonLinesReader().Read(path, null, CancellationToken.None).Select(r => Convert.ToDouble(r["a"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Malformed_arrays_and_non_object_rows_are_data_errors_naming_the_file()
    {
        var broken = Write("c.json", "[{\"a\": 1}, {\"a\": ");
        var scalar = Write("d.json", "[{\"a\": 1}, 7]");
        var reader = new JsonLinesReader();

        var e1 = Assert.Throws<DataException>(() => reader.Read(broken, null, CancellationToken.None).ToList());
        var e2 = Assert.Throws<DataException>(() => reader.Read(scalar, null, CancellationToken.None).ToList());

        Assert.Contains(broken, e1.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", e2.Message, StringComparison.Ordinal);
    }
}
