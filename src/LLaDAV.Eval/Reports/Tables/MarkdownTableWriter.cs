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
            if (table.Transposed)
            {
                WriteTransposed(sb, table);
                continue;
            }

            sb.Append("| model | source | ").Append(string.Join(" | ", table.Columns.Select(c => Escape(c.Name)))).Append(" |\n");
            sb.Append("|---|---|").Append(string.Concat(table.Columns.Select(_ => "---:|"))).Append('\n');
            foreach (var row in table.Rows)
            {
                sb.Append("| ").Append(Escape(row.Label)).Append(" | ").Append(Escape(row.SourceText)).Append(" | ");
                sb.Append(string.Join(" | ", row.Cells.Select(c => CellText(row, c)))).Append(" |\n");
            }

            WriteNote(sb, table);
        }

        return sb.ToString();
    }

    /// <summary>Benchmarks as rows, one column per model or run (the column head says which: "LLaDA-V (paper)").</summary>
    private static void WriteTransposed(StringBuilder sb, ComparisonTable table)
    {
        sb.Append("| benchmark | ").Append(string.Join(" | ", table.Rows.Select(r => Escape($"{r.Label} ({r.SourceText})")))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(table.Rows.Select(_ => "---:|"))).Append('\n');
        for (var i = 0; i < table.Columns.Length; i++)
        {
            sb.Append("| ").Append(Escape(table.Columns[i].Name)).Append(" | ").Append(string.Join(" | ", table.Rows.Select(r => CellText(r, r.Cells[i])))).Append(" |\n");
        }

        WriteNote(sb, table);
    }

    private static void WriteNote(StringBuilder sb, ComparisonTable table)
    {
        if (table.Note is { } note)
        {
            sb.Append("\n> **").Append(note).Append("**\n");
        }
    }

    internal static string CellText(TableRow row, TableCell cell) =>
        row.IsPaper ? cell.PaperText
        : cell.Ours is null ? "-"
        : cell.Delta is null ? cell.OursText
        : $"{cell.OursText} ({cell.DeltaText})";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
