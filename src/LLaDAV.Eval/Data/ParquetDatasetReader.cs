using LLaDAV.Eval.Parquet;

namespace LLaDAV.Eval.Data;

/// <summary>
/// Hugging Face Parquet split files through the project's own reader, streamed one row group at a time. Values are
/// widened to the row types the hooks see from every source (int → long, float → double), so a task behaves the
/// same on its JSON Lines sample and on the real Parquet split.
/// </summary>
public sealed class ParquetDatasetReader : IDatasetFileReader
{
    public bool CanRead(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<IReadOnlyDictionary<string, object?>> Read(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken)
    {
        using var file = ParquetFile.Open(path);
        foreach (var row in file.ReadRows(columns))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return (IReadOnlyDictionary<string, object?>)Widen(row)!;
        }
    }

    public long CountRows(string path)
    {
        using var file = ParquetFile.Open(path);
        return file.RowCount;
    }

    private static object? Widen(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        sbyte b => (long)b,
        byte b => (long)b,
        ushort u => (long)u,
        uint u => (long)u,
        float f => (double)f,
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Widen(kv.Value), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(Widen).ToList(),
        _ => value,
    };
}
