using System.Globalization;
using CsvHelper;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data;

/// <summary>
/// CSV and TSV split files, as <c>datasets</c>' csv builder reads them (huggingface/datasets
/// <c>packaged_modules/csv/csv.py</c>: <c>pandas.read_csv</c>, <c>sep="\t"</c> for <c>.tsv</c> per
/// <c>_EXTENSION_TO_MODULE</c>): a header row names the columns, and each column gets the type pandas infers for the
/// whole column — all integers → long, all numbers → double (an empty cell is then null), <c>True</c>/<c>False</c>
/// → bool, anything else → string (an empty cell is null). Parsed with CsvHelper (quoted fields, embedded newlines).
/// </summary>
public sealed class CsvDatasetReader : IDatasetFileReader
{
    private enum ColumnType
    {
        Long,
        Double,
        Bool,
        Text,
    }

    public bool CanRead(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<IReadOnlyDictionary<string, object?>> Read(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken)
    {
        var types = InferTypes(path, cancellationToken);
        foreach (var (header, cells) in Rows(path, cancellationToken))
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                if (columns is null || columns.Contains(header[i]))
                {
                    row[header[i]] = Typed(i < cells.Length ? cells[i] : "", types[i]);
                }
            }

            yield return row;
        }
    }

    public long CountRows(string path) => Rows(path, CancellationToken.None).LongCount();

    private static ColumnType[] InferTypes(string path, CancellationToken ct)
    {
        // Per column: could every non-empty cell be an integer, a number, a bool; was any cell empty?
        (bool Long, bool Double, bool Bool, bool Empty)[]? seen = null;
        foreach (var (header, cells) in Rows(path, ct))
        {
            seen ??= [.. header.Select(_ => (true, true, true, false))];
            for (var i = 0; i < seen.Length; i++)
            {
                var cell = i < cells.Length ? cells[i] : "";
                if (cell.Length == 0)
                {
                    seen[i].Empty = true;
                    continue;
                }

                seen[i].Long &= long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                seen[i].Double &= double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                seen[i].Bool &= cell is "True" or "False" or "TRUE" or "FALSE" or "true" or "false";
            }
        }

        // pandas: an empty cell is NaN, which turns an integer column into floats and a bool column into objects.
        return seen?.Select(s => s switch
        {
            { Long: true, Empty: false } => ColumnType.Long,
            { Double: true } => ColumnType.Double,
            { Bool: true, Empty: false } => ColumnType.Bool,
            _ => ColumnType.Text,
        }).ToArray() ?? [];
    }

    private static object? Typed(string cell, ColumnType type) => cell.Length == 0
        ? null
        : type switch
        {
            ColumnType.Long => long.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            ColumnType.Double => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
            ColumnType.Bool => cell is "True" or "TRUE" or "true",
            _ => cell,
        };

    private static IEnumerable<(string[] Header, string[] Cells)> Rows(string path, CancellationToken ct)
    {
        var options = new CsvReaderOptions { HasHeader = true, TrackLineNumbers = true, Separator = Hub.DataFilesResolver.IsTsv(path) ? '\t' : ',' };
        using var text = new StreamReader(path);
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        string[] header;
        try
        {
            header = [.. csv.Headers];
        }
        catch (CsvFormatException e)
        {
            throw new DataException($"{path}: unreadable header row ({e.Message}).", e);
        }

        if (header.Length == 0)
        {
            yield break;
        }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            string[] cells;
            try
            {
                if (!csv.Read())
                {
                    yield break;
                }

                cells = new string[header.Length];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = csv.GetString(i);
                }
            }
            catch (CsvFormatException e)
            {
                throw new DataException($"{path}:{csv.LineNumber}: malformed CSV ({e.Message}).", e);
            }

            yield return (header, cells);
        }
    }
}
