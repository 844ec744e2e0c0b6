namespace LLaDAV.Eval.Data;

/// <summary>The split-file readers, one per format <c>datasets</c> resolves a split to that this tool reads.</summary>
public static class DatasetReaders
{
    public static IReadOnlyList<IDatasetFileReader> All { get; } = [new ParquetDatasetReader(), new JsonLinesReader(), new CsvDatasetReader()];
}
