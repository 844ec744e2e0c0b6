using System.Globalization;
using CsvHelper;

namespace LLaDAV.Eval.Reports.Tables;

/// <summary>
/// CSV through CsvHelper (quoting, invariant numbers): columns <c>table, model, source, reference</c>, then per
/// benchmark <c>&lt;name&gt;</c> (ours), <c>&lt;name&gt; paper</c> and <c>&lt;name&gt; delta</c>; "-" where missing.
/// With several tables the header of each table starts its block.
/// </summary>
public sealed class CsvTableWriter : ITableWriter
{
    public string Format => "csv";

    public string Write(IReadOnlyList<ComparisonTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using var text = new StringWriter(CultureInfo.InvariantCulture);

        // Tables have different columns, so records of later tables may differ in length from the first header.
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n", ValidateFieldCount = false }, leaveOpen: true))
        {
            foreach (var table in tables)
            {
                csv.WriteRecord([.. new[] { "table", "model", "source", "reference" }.Concat(table.Columns.SelectMany(c => new[] { c.Name, c.Name + " paper", c.Name + " delta" }))]);
                foreach (var row in table.Rows)
                {
                    csv.WriteRecord([table.Name, row.Label, row.IsPaper ? "paper" : "run", row.Reference ?? "-", .. row.Cells.SelectMany(c => new[] { c.OursText, c.PaperText, c.DeltaText })]);
                }
            }
        }

        return text.ToString();
    }
}
