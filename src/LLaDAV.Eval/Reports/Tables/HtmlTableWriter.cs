using System.Text;
using LLaDAV.Eval.Reports.Html;

namespace LLaDAV.Eval.Reports.Tables;

/// <summary>A self-contained HTML page (inline CSS) with one table per paper table; deltas coloured by sign.</summary>
public sealed class HtmlTableWriter : ITableWriter
{
    public string Format => "html";

    public string Write(IReadOnlyList<ComparisonTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return HtmlText.Page("LLaDA-V paper tables", Fragment(tables));
    }

    /// <summary>The tables without the page around them, for embedding in a report.</summary>
    public static string Fragment(IReadOnlyList<ComparisonTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var sb = new StringBuilder();
        foreach (var table in tables)
        {
            sb.Append("<h3>").Append(HtmlText.Escape(table.Title)).Append("</h3>\n");
            if (table.Note is { } note)
            {
                sb.Append("<p class=\"sample\">").Append(HtmlText.Escape(note)).Append("</p>\n");
            }

            if (table.Transposed)
            {
                // As the paper prints it: benchmarks down the side, one column per model or run.
                sb.Append("<div class=\"scroll\"><table>\n<tr><th>benchmark</th>");
                foreach (var row in table.Rows)
                {
                    sb.Append("<th>").Append(HtmlText.Escape($"{row.Label} ({row.SourceText})")).Append("</th>");
                }

                sb.Append("</tr>\n");
                for (var i = 0; i < table.Columns.Length; i++)
                {
                    sb.Append("<tr><td>").Append(HtmlText.Escape(table.Columns[i].Name)).Append("</td>");
                    foreach (var row in table.Rows)
                    {
                        Cell(sb, row, row.Cells[i]);
                    }

                    sb.Append("</tr>\n");
                }

                sb.Append("</table></div>\n");
                continue;
            }

            sb.Append("<div class=\"scroll\"><table>\n<tr><th>model</th><th>source</th>");
            foreach (var c in table.Columns)
            {
                sb.Append("<th>").Append(HtmlText.Escape(c.Name)).Append("</th>");
            }

            sb.Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                sb.Append(row.IsPaper ? "<tr class=\"paper\">" : "<tr>").Append("<td>").Append(HtmlText.Escape(row.Label)).Append("</td><td>").Append(HtmlText.Escape(row.SourceText)).Append("</td>");
                foreach (var cell in row.Cells)
                {
                    Cell(sb, row, cell);
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</table></div>\n"); // scrolls sideways in its own box on a narrow screen (HtmlText.Style)
        }

        return sb.ToString();
    }

    private static void Cell(StringBuilder sb, TableRow row, TableCell cell)
    {
        sb.Append("<td class=\"num\">");
        if (row.IsPaper || cell.Delta is null)
        {
            sb.Append(HtmlText.Escape(MarkdownTableWriter.CellText(row, cell)));
        }
        else
        {
            sb.Append(HtmlText.Escape(cell.OursText)).Append(" <span class=\"").Append(cell.Delta >= 0 ? "pos" : "neg").Append("\">(")
                .Append(HtmlText.Escape(cell.DeltaText)).Append(")</span>");
        }

        sb.Append("</td>");
    }
}
