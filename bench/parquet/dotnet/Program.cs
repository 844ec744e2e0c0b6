using System.Diagnostics;
using System.Globalization;
using LLaDAV.Eval.Parquet;

// Usage: ParquetBench <file> <all|question> <iterations>
// Prints one JSON line per read: {"wall": seconds, "cpu": seconds, "rows": n}, after one warm-up read.
var path = args[0];
var questionOnly = args[1] == "question";
var iterations = int.Parse(args[2], CultureInfo.InvariantCulture);
var process = Process.GetCurrentProcess();
for (var i = -1; i < iterations; i++)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    long rows = 0, touched = 0;
    using (var file = ParquetFile.Open(path))
    {
        foreach (var row in file.ReadRows(questionOnly ? ["question"] : null))
        {
            rows++;
            touched += ((string)row["question"]!).Length;
            if (!questionOnly)
            {
                var image = (IReadOnlyDictionary<string, object?>)row["image"]!;
                touched += ((byte[])image["bytes"]!).Length + ((string)row["options"]!).Length;
            }
        }
    }

    wall.Stop();
    process.Refresh();
    if (i >= 0 && touched > 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"wall\": {wall.Elapsed.TotalSeconds:F4}, \"cpu\": {(process.TotalProcessorTime - cpu).TotalSeconds:F4}, \"rows\": {rows}}}"));
    }
}
