using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Running.LmmsEval;

/// <summary>
/// lmms-eval 75571cf <c>utils.make_table</c> (utils.py 540-723) and the <c>pytablewriter.MarkdownTableWriter</c> it
/// renders with: the end-of-run table an lmms-eval user reads.
/// </summary>
public static class MakeTable
{
    private static readonly string[] AllHeaders =
        ["", "Filter", "n-shot", "Metric", "", "Value", "", "Stderr", "Stderr_CLT", "Stderr_Clustered", "EA", "CA", "IV", "CR", "Baseline", "Diff", "CI", "P_Value"];

    /// <summary><c>make_table(result_dict, column)</c>: "results" (header "Tasks") or "groups" (header "Groups").</summary>
    public static string Render(JsonObject resultDict, string column = "results")
    {
        var headers = AllHeaders.ToArray();
        headers[0] = column == "results" ? "Tasks" : "Groups";
        var values = new List<object[]>();
        foreach (var (key, node) in resultDict[column]!.AsObject())
        {
            var dic = node!.AsObject();
            var n = resultDict["n-shot"]?[key] is { } shot ? LmmsEvalFiles.PyStr(shot) : " ";
            var hib = resultDict["higher_is_better"]?[key] as JsonObject;
            var k = dic["alias"] is { } alias ? LmmsEvalFiles.PyStr(alias) : key;

            // metric_items = sorted(dic.items()) without "alias" (popped): by key, Python's code-point order.
            foreach (var (mf, v) in dic.Where(kv => kv.Key != "alias").OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var comma = mf.IndexOf(',', StringComparison.Ordinal);
                var m = comma >= 0 ? mf[..comma] : mf;
                var f = comma >= 0 ? mf[(comma + 1)..] : "";
                if (m.EndsWith("_stderr", StringComparison.Ordinal) || m.EndsWith("_stderr_clt", StringComparison.Ordinal) || m.EndsWith("_stderr_clustered", StringComparison.Ordinal)
                    || m.EndsWith("_expected_accuracy", StringComparison.Ordinal) || m.EndsWith("_consensus_accuracy", StringComparison.Ordinal)
                    || m.EndsWith("_internal_variance", StringComparison.Ordinal) || m.EndsWith("_consistency_rate", StringComparison.Ordinal)
                    || m.StartsWith("paired_", StringComparison.Ordinal))
                {
                    continue;
                }

                // An empty value (a [] of a key without aggregation) gives no row (is_empty).
                if (v is JsonArray { Count: 0 })
                {
                    continue;
                }

                // HIGHER_IS_BETTER_SYMBOLS = {True: "↑", False: "↓"}.
                var arrow = hib?[m] is JsonValue h && h.TryGetValue<bool>(out var better) ? (better ? "↑" : "↓") : "";
                object value = v switch
                {
                    null => "N/A",
                    JsonValue x when x.TryGetValue<double>(out var d) && !IsIntNode(x) => Percent4(d),
                    JsonValue x when x.TryGetValue<string>(out var s) => s.Length == 0 ? "N/A" : s,
                    JsonValue x when x.TryGetValue<long>(out var l) => l,
                    _ => LmmsEvalFiles.PyStr(v),
                };
                values.Add([k, f, n, m, arrow, value, "±", Se(dic[m + "_stderr," + f]), Se(dic[m + "_stderr_clt," + f]), Se(dic[m + "_stderr_clustered," + f]),
                    Se(dic[m + "_expected_accuracy," + f]), Se(dic[m + "_consensus_accuracy," + f]), Se(dic[m + "_internal_variance," + f]), Se(dic[m + "_consistency_rate," + f]),
                    "N/A", "N/A", "N/A", "N/A"]);
            }
        }

        // Optional columns (index 8 on) are hidden when every row says "N/A" (or there are no rows).
        var keep = Enumerable.Range(0, headers.Length).Where(i => i < 8 || (values.Count > 0 && values.Any(r => r[i] is not "N/A"))).ToArray();
        return Markdown([.. keep.Select(i => headers[i])], [.. values.Select(r => keep.Select(i => r[i]).ToArray())]);
    }

    private static bool IsIntNode(JsonValue v) => v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _)
        || v.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.ValueKind == System.Text.Json.JsonValueKind.Number && e.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

    /// <summary><c>fmt_se</c>: None/"N/A" → "N/A", a number → <c>"%.4f"</c>.</summary>
    private static string Se(JsonNode? se) => se switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => Percent4(d),
        JsonValue v when v.TryGetValue<long>(out var l) => Percent4(l),
        _ => "N/A",
    };

    /// <summary>Python's <c>"%.4f" % x</c> (round half to even on the binary value, as C's printf).</summary>
    private static string Percent4(double d) =>
        double.IsNaN(d) ? "nan" : double.IsInfinity(d) ? (d > 0 ? "inf" : "-inf") : d.ToString("F4", CultureInfo.InvariantCulture);

    private enum Kind
    {
        Null = 1,
        Integer = 2,
        Real = 4,
        String = 8,
    }

    private sealed record Cell(Kind Kind, string Text, decimal? Number, int DecimalPlaces);

    /// <summary>
    /// A cell as DataProperty types it with pytablewriter's strict levels (INTEGER and REAL_NUMBER at 1, the rest at
    /// max; typepy checkers): an int, or a string holding an integral number ("0", "1.0000"), is INTEGER; a string
    /// holding a non-integral decimal is REAL_NUMBER; a blank string is NULL_STRING; anything else STRING.
    /// </summary>
    private static Cell Classify(object value)
    {
        if (value is long l)
        {
            return new Cell(Kind.Integer, l.ToString(CultureInfo.InvariantCulture), l, 0);
        }

        var s = (string)value;
        if (s.Trim().Length == 0)
        {
            return new Cell(Kind.Null, s, null, 0);
        }

        if (decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && s.Trim() == s)
        {
            var point = s.IndexOf('.', StringComparison.Ordinal);
            var places = point < 0 ? 0 : s.Length - point - 1;
            return decimal.Truncate(d) == d ? new Cell(Kind.Integer, s, decimal.Truncate(d), 0) : new Cell(Kind.Real, s, d, places);
        }

        return new Cell(Kind.String, s, null, 0);
    }

    /// <summary>ColumnDataProperty.__get_typecode_from_bitmap: mixed numbers (or a float with blanks) are REAL_NUMBER; else the first of STRING, REAL, INTEGER, NULL present.</summary>
    private static Kind ColumnKind(IEnumerable<Cell> cells)
    {
        var bits = cells.Aggregate(0, (a, c) => a | (int)c.Kind);
        const int numberOrNull = (int)(Kind.Integer | Kind.Real | Kind.Null);
        var mixedWithOthers = (bits & numberOrNull) != 0 && (bits & ~numberOrNull) != 0;
        if (!mixedWithOthers && (int.PopCount(bits & (int)(Kind.Real | Kind.Null)) >= 2 || int.PopCount(bits & (int)(Kind.Integer | Kind.Real)) >= 2))
        {
            return Kind.Real;
        }

        foreach (var k in new[] { Kind.String, Kind.Real, Kind.Integer, Kind.Null })
        {
            if ((bits & (int)k) != 0)
            {
                return k;
            }
        }

        return Kind.Null;
    }

    /// <summary>
    /// <c>MarkdownTableWriter.dumps()</c>: header centred; each column as wide as its widest item (at least 3);
    /// numbers right-aligned (also a number inside a text column), text left; a number column's separator ends in ':';
    /// numbers printed with the column's largest decimal places; '|' inside an item escaped.
    /// </summary>
    public static string Markdown(string[] headers, object[][] rows)
    {
        var cells = rows.Select(r => r.Select(Classify).ToArray()).ToArray();
        var widths = new int[headers.Length];
        var texts = new string[rows.Length][];
        var rightAligned = new bool[rows.Length][];
        var columnRight = new bool[headers.Length];
        for (var c = 0; c < headers.Length; c++)
        {
            var column = cells.Select(r => r[c]).ToList();
            var kind = ColumnKind(column);
            var places = column.Where(x => x.Kind is Kind.Integer or Kind.Real).Select(x => x.DecimalPlaces).DefaultIfEmpty(0).Max();
            columnRight[c] = kind is Kind.Integer or Kind.Real;
            for (var r = 0; r < rows.Length; r++)
            {
                texts[r] ??= new string[headers.Length];
                rightAligned[r] ??= new bool[headers.Length];
                var cell = column[r];
                texts[r][c] = (cell.Kind, kind) switch
                {
                    (Kind.String or Kind.Null, _) => cell.Text,
                    (Kind.Integer, Kind.Integer) => cell.Number!.Value.ToString("0", CultureInfo.InvariantCulture),
                    (_, Kind.Real) => cell.Number!.Value.ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    (Kind.Integer, _) => cell.Number!.Value.ToString("0", CultureInfo.InvariantCulture),
                    _ => cell.Number!.Value.ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                };
                texts[r][c] = texts[r][c].Replace("|", "\\|", StringComparison.Ordinal);
                rightAligned[r][c] = columnRight[c] || (kind == Kind.String && cell.Kind is Kind.Integer or Kind.Real);
            }

            widths[c] = Math.Max(3, Math.Max(headers[c].Length, texts.Select(t => t[c].Length).DefaultIfEmpty(0).Max()));
        }

        var sb = new StringBuilder();
        sb.Append('|').AppendJoin('|', headers.Select((h, c) => Center(h, widths[c]))).Append("|\n");
        sb.Append('|').AppendJoin('|', widths.Select((w, c) => columnRight[c] ? new string('-', w - 1) + ":" : new string('-', w))).Append("|\n");
        for (var r = 0; r < rows.Length; r++)
        {
            sb.Append('|').AppendJoin('|', texts[r].Select((t, c) => rightAligned[r][c] ? t.PadLeft(widths[c]) : t.PadRight(widths[c]))).Append("|\n");
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>"{:^N}".format(s)</c>: the odd space goes to the right.</summary>
    private static string Center(string s, int width)
    {
        var pad = Math.Max(0, width - s.Length);
        return new string(' ', pad / 2) + s + new string(' ', pad - (pad / 2));
    }

    /// <summary>The banner line <c>cli_evaluate</c> prints before the tables (__main__.py 602).</summary>
    public static string Banner(LmmsEvalInvocation call) => string.Create(CultureInfo.InvariantCulture,
        $"{call.Model} ({call.ModelArgs}), gen_kwargs: ({call.GenKwargs}), limit: {(call.Limit is { } l ? PythonJson.Float(l) : "None")}, offset: 0, num_fewshot: {(call.NumFewshot is { } n ? n.ToString(CultureInfo.InvariantCulture) : "None")}, batch_size: {(call.BatchSize is JsonValue b && b.TryGetValue<string>(out var s) ? s : call.BatchSize.ToJsonString())}");
}
