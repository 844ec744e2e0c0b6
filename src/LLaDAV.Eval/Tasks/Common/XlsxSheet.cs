using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// A one-sheet .xlsx as pandas' <c>DataFrame.to_excel(writer, index=False)</c> lays it out: sheet "Sheet1", a header
/// row of the column names, then one row per record; numbers as numbers, text as inline strings, None/missing as an
/// empty cell. The minimal SpreadsheetML package (content types, workbook, one worksheet) with fixed zip timestamps,
/// so the bytes are deterministic. No styles: pandas' bold header is cosmetic.
/// </summary>
public static class XlsxSheet
{
    private static readonly DateTimeOffset s_epoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Columns: the keys in first-seen order over the records (pandas' DataFrame(list of dicts)).</summary>
    public static byte[] Write(IReadOnlyList<JsonObject> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var columns = new List<string>();
        foreach (var key in records.SelectMany(r => r.Select(kv => kv.Key)).Where(k => !columns.Contains(k)))
        {
            columns.Add(key);
        }

        var sheet = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
        Row(sheet, 1, columns.Select(c => (JsonNode?)JsonValue.Create(c)).ToList());
        for (var i = 0; i < records.Count; i++)
        {
            Row(sheet, i + 2, columns.Select(c => records[i].TryGetPropertyValue(c, out var v) ? v : null).ToList());
        }

        sheet.Append("</sheetData></worksheet>");
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>");
            Add(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
            Add(zip, "xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
            Add(zip, "xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
            Add(zip, "xl/worksheets/sheet1.xml", sheet.ToString());
        }

        return stream.ToArray();
    }

    /// <summary>Excel's column letters: 1 → A, 26 → Z, 27 → AA.</summary>
    public static string ColumnName(int oneBased)
    {
        var name = "";
        for (var n = oneBased; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    private static void Row(StringBuilder sb, int row, IReadOnlyList<JsonNode?> cells)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<row r=\"{row}\">");
        for (var c = 0; c < cells.Count; c++)
        {
            var r = ColumnName(c + 1) + row.ToString(CultureInfo.InvariantCulture);
            switch (cells[c])
            {
                case null:
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                    sb.Append(CultureInfo.InvariantCulture, $"<c r=\"{r}\"><v>{PythonJson.Dumps(v, ensureAscii: true)}</v></c>");
                    break;
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    sb.Append(CultureInfo.InvariantCulture, $"<c r=\"{r}\" t=\"b\"><v>{(v.GetValue<bool>() ? 1 : 0)}</v></c>");
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    sb.Append(CultureInfo.InvariantCulture, $"<c r=\"{r}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{SecurityElement.Escape(v.GetValue<string>())}</t></is></c>");
                    break;
                default:
                    sb.Append(CultureInfo.InvariantCulture, $"<c r=\"{r}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{SecurityElement.Escape(cells[c]!.ToJsonString())}</t></is></c>");
                    break;
            }
        }

        sb.Append("</row>");
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = s_epoch;
        using var s = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        s.Write(bytes);
    }
}
