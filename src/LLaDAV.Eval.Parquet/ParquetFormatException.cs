namespace LLaDAV.Eval.Parquet;

/// <summary>
/// A Parquet file is malformed or uses something this reader does not support. Carries where the problem was
/// found (file, row group, column) so a data error can name the offending place in one sentence.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException()
        : this("malformed Parquet data")
    {
    }

    public ParquetFormatException(string message)
        : this(message, null)
    {
    }

    public ParquetFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    private ParquetFormatException(string problem, string? file, int? rowGroup, string? column, Exception? inner)
        : base(Describe(problem, file, rowGroup, column), inner)
    {
        Problem = problem;
        FilePath = file;
        RowGroup = rowGroup;
        Column = column;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>Zero-based row group index, when the problem is inside one.</summary>
    public int? RowGroup { get; }

    /// <summary>Dotted path of the leaf column, when the problem is inside one.</summary>
    public string? Column { get; }

    /// <summary>Returns a copy that also names the location; fields already set are kept.</summary>
    internal ParquetFormatException WithContext(string? file, int? rowGroup = null, string? column = null) =>
        new(Problem, FilePath ?? file, RowGroup ?? rowGroup, Column ?? column, InnerException ?? this);

    private static string Describe(string problem, string? file, int? rowGroup, string? column)
    {
        var where = new List<string>(3);
        if (file is not null)
        {
            where.Add($"file '{file}'");
        }

        if (rowGroup is not null)
        {
            where.Add($"row group {rowGroup}");
        }

        if (column is not null)
        {
            where.Add($"column '{column}'");
        }

        return where.Count == 0 ? problem : $"{problem} ({string.Join(", ", where)})";
    }
}
