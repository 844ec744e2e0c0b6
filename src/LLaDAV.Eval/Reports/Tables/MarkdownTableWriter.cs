using System.Text;

namespace LLaDAV.Eval.Reports.Tables;

/// <summary>
/// GitHub-flavoured markdown: paper rows show the published value; run rows show ours on the paper's scale and the
/// signed delta in parentheses, e.g. <c>80.0 (+31.4)</c>; a missing cell is "-".
/// </summary>
public sealed class MarkdownTableWriter : ITableWriter
{
    public string Format => "md";

    public string Write(IReadOnlyList<ComparisonTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var sb = new StringBuilder();
        foreach (var table in tables)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append("### ").Append(table.Title).Append("\n\n");
            sb.Append("| model | source | ").Append(string.Join(" | ", table.Columns.Select(c => Escape(c.Name)))).Append(" |\n");
            sb.Append("|---|---|").Append(string.Concat(table.Columns.Select(_ => "---:|"))).Append('\n');
            foreach (var row in table.Rows)
            {
                sb.Append("| ").Append(Escape(row.Label)).Append(" | ").Append(Escape(row.SourceText)).Append(" | ");
                sb.Append(string.Join(" | ", row.Cells.Select(c => CellText(row, c)))).Append(" |\n");
            }
        }

        return sb.ToString();
    }

    internal static string CellText(TableRow row, TableCell cell) =>
        row.IsPaper ? cell.PaperText
        : cell.Ours is null ? "-"
        : cell.Delta is null ? cell.OursText
        : $"{cell.OursText} ({cell.DeltaText})";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
