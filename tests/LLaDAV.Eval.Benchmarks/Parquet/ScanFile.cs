using DuckDB.NET.Data;

namespace LLaDAV.Eval.Benchmarks.Parquet;

/// <summary>
/// The scan benchmark's input, made with DuckDB the way bench/parquet/make-big.mjs makes it (same columns, sizes and
/// row groups), so the .NET peer needs no node install. Never committed.
/// </summary>
internal static class ScanFile
{
    /// <summary>Streams every row with our reader and touches each value the mode selects (nothing left unmaterialised).</summary>
    public static long TouchWithOurReader(string path, bool questionOnly)
    {
        using var file = LLaDAV.Eval.Parquet.ParquetFile.Open(path);
        long touched = 0;
        foreach (var row in file.ReadRows(questionOnly ? ["question"] : null))
        {
            touched += ((string)row["question"]!).Length;
            if (!questionOnly)
            {
                var image = (IReadOnlyDictionary<string, object?>)row["image"]!;
                touched += ((byte[])image["bytes"]!).Length + ((string)row["options"]!).Length;
            }
        }

        return touched;
    }

    public static string Ensure()
    {
        var dir = Environment.GetEnvironmentVariable("PARQUET_BENCH_DIR") ?? Path.Combine(Path.GetTempPath(), "llada-parquet-bench");
        var rows = int.TryParse(Environment.GetEnvironmentVariable("PARQUET_SCAN_ROWS"), out var r) ? r : 1000;
        var path = Path.Combine(dir, $"hf_images_{rows}.parquet");
        if (File.Exists(path))
        {
            return path;
        }

        var images = Path.Combine(dir, $"imgs_{rows}");
        Directory.CreateDirectory(images);
        var random = new Random(20261207);
        for (var i = 0; i < rows; i++)
        {
            // Incompressible bytes behind a PNG signature: SNAPPY cannot shrink them, as with real images.
            var bytes = new byte[100_000 + (i * 7919 % 100_000)];
            random.NextBytes(bytes);
            byte[] signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
            signature.CopyTo(bytes, 0);
            File.WriteAllBytes(Path.Combine(images, $"{i:D6}.png"), bytes);
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var temp = path + ".part";
        command.CommandText = $"""
            COPY (SELECT 'validation_' || n AS id,
                'Question ' || n || ': <image 1> which option matches the picture? ' || repeat('Context. ', 20) AS question,
                '[''option A ' || n || ''', ''option B'', ''option C'', ''option D'']' AS options,
                chr(65 + n % 4) AS answer,
                {"{"}'bytes': content, 'path': filename[-10:]{"}"} AS image
              FROM (SELECT *, CAST(regexp_extract(filename, '(\d+)\.png', 1) AS INTEGER) AS n FROM read_blob('{images}/*.png'))
              ORDER BY n)
            TO '{temp}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100)
            """;
        command.ExecuteNonQuery();
        File.Move(temp, path);
        Directory.Delete(images, recursive: true);
        return path;
    }
}
