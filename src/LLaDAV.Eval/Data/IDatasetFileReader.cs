namespace LLaDAV.Eval.Data;

/// <summary>
/// Reads one split file into rows, streaming. One implementation per format (JSON Lines, Parquet), chosen by
/// <see cref="CanRead"/>; the runner never knows which.
/// </summary>
public interface IDatasetFileReader
{
    bool CanRead(string path);

    /// <summary>Rows in file order. <paramref name="columns"/> = null reads every column.</summary>
    IEnumerable<IReadOnlyDictionary<string, object?>> Read(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken);

    /// <summary>The number of rows, cheaply where the format allows (Parquet footer metadata).</summary>
    long CountRows(string path);
}
