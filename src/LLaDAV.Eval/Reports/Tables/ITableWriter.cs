namespace LLaDAV.Eval.Reports.Tables;

/// <summary>Writes comparison tables in one format (docs/ARCHITECTURE.md §9: one small interface per extension point).</summary>
public interface ITableWriter
{
    /// <summary>The <c>--format</c> name: md, csv or html.</summary>
    string Format { get; }

    string Write(IReadOnlyList<ComparisonTable> tables);
}
