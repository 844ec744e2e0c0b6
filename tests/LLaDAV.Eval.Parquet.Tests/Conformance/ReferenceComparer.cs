using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Parquet.Tests.Conformance;

/// <summary>Which reference reader wrote a dump; each renders values its own way (testdata/README.md).</summary>
public enum Reference
{
    /// <summary>DuckDB 1.5: 64-bit ints and decimals as strings, "YYYY-MM-DD hh:mm:ss[.f]" timestamps, blobs as
    /// escaped strings, NaN/Infinity as strings, maps as [{key, value}].</summary>
    DuckDb,

    /// <summary>hyparquet: bigints as strings, decimals as JS numbers, ISO-8601 timestamps in milliseconds, binary as
    /// {"b64"} (or as text when the column is unannotated BYTE_ARRAY), NaN as null, maps as objects, absent struct
    /// fields left out.</summary>
    Hyparquet,
}

/// <summary>
/// Compares what the reader returned with a reference dump semantically, value by value, and lists every
/// difference with its path (row, column, nested position).
/// </summary>
internal static class ReferenceComparer
{
    public static void Compare(object? actual, JsonNode? expected, Reference reference, string path, List<string> problems, Func<object?, JsonNode?, bool>? accept = null)
    {
        if (problems.Count >= 20)
        {
            return;
        }

        var ok = actual switch
        {
            null => expected is null,
            bool b => expected is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && v.GetValue<bool>() == b,
            int or long or ulong => IntegerEquals(actual, expected),
            float f => FloatEquals(f, expected, reference, isSingle: true),
            double d => FloatEquals(d, expected, reference, isSingle: false),
            decimal m => DecimalEquals(m, expected),
            string s => expected is JsonValue v && v.GetValueKind() == JsonValueKind.String && (v.GetValue<string>() == s || DecimalTextEquals(s, v.GetValue<string>())),
            byte[] bytes => BytesEqual(bytes, expected, reference),
            DateTime dt => DateTimeEquals(dt, expected, reference),
            DateOnly date => expected is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal),
            TimeSpan ts => TimeEquals(ts, expected),
            Guid g => expected is JsonValue v && string.Equals(v.ToString(), g.ToString("D"), StringComparison.OrdinalIgnoreCase),
            KeyValuePair<object?, object?>[] map => CompareMap(map, expected, reference, path, problems, accept),
            IReadOnlyDictionary<string, object?> st => CompareStruct(st, expected, reference, path, problems, accept),
            IReadOnlyList<object?> list => CompareList(list, expected, reference, path, problems, accept),
            _ => false,
        };

        // NaN is not JSON: hyparquet writes null for it.
        ok |= reference == Reference.Hyparquet && expected is null && actual is float.NaN or double.NaN;
        ok |= OutOfRangeInstant(actual, expected) || (accept?.Invoke(actual, expected) ?? false);
        if (!ok)
        {
            problems.Add($"{path}: read {Describe(actual)}, reference has {expected?.ToJsonString() ?? "null"}");
        }
    }

    /// <summary>
    /// A timestamp or date outside DateTime's years 1..9999 is returned as its stored count (ParquetFile docs);
    /// the references print such values as BC dates or years beyond 9999, which a count cannot be compared with.
    /// </summary>
    private static bool OutOfRangeInstant(object? actual, JsonNode? expected)
    {
        if (actual is not (long or int) || expected is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var s = v.GetValue<string>();
        var year = s.Contains("(BC)", StringComparison.Ordinal) ? -1 : int.TryParse(s.Split('-', StringSplitOptions.RemoveEmptyEntries)[0].TrimStart('+'), CultureInfo.InvariantCulture, out var y) ? (s.StartsWith('-') ? -y : y) : 5000;
        return year is < 1 or > 9999;
    }

    private static string Describe(object? v) => v switch
    {
        null => "null",
        byte[] b => $"byte[{b.Length}] {Convert.ToHexString(b.AsSpan(0, Math.Min(16, b.Length)))}",
        _ => $"{v.GetType().Name} {Convert.ToString(v, CultureInfo.InvariantCulture)}",
    };

    private static bool IntegerEquals(object actual, JsonNode? expected)
    {
        if (expected is not JsonValue v)
        {
            return false;
        }

        var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e)
            && e == BigInteger.Parse(Convert.ToString(actual, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture);
    }

    private static bool FloatEquals(double a, JsonNode? expected, Reference reference, bool isSingle)
    {
        if (expected is not JsonValue v)
        {
            return false;
        }

        if (v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>();
            return s switch
            {
                "NaN" or "nan" => double.IsNaN(a),
                "Infinity" or "inf" => double.IsPositiveInfinity(a),
                "-Infinity" or "-inf" => double.IsNegativeInfinity(a),
                _ => double.TryParse(s, CultureInfo.InvariantCulture, out var p) && Close(a, p, isSingle),
            };
        }

        return v.GetValueKind() == JsonValueKind.Number && Close(a, v.GetValue<double>(), isSingle);
    }

    private static bool Close(double a, double e, bool isSingle) =>
        a.Equals(e) || Math.Abs(a - e) <= (isSingle ? 1e-6 : 1e-12) * Math.Max(1, Math.Abs(e));

    private static bool DecimalEquals(decimal m, JsonNode? expected)
    {
        if (expected is not JsonValue v)
        {
            return false;
        }

        if (v.GetValueKind() == JsonValueKind.String)
        {
            return decimal.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var e) && e == m;
        }

        // hyparquet gives decimals as JS doubles.
        var d = v.GetValue<double>();
        return Close((double)m, d, isSingle: false);
    }

    private static bool DecimalTextEquals(string actual, string expected) =>
        BigDecimal(actual) is { } a && BigDecimal(expected) is { } e && a == e;

    private static (BigInteger, int)? BigDecimal(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? s : s.Remove(dot, 1);
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        if (!BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return null;
        }

        while (scale > 0 && v % 10 == 0)
        {
            v /= 10;
            scale--;
        }

        return (v, scale);
    }

    private static bool BytesEqual(byte[] bytes, JsonNode? expected, Reference reference)
    {
        if (reference == Reference.Hyparquet && expected is JsonObject o && o["b64"] is JsonValue b64)
        {
            return b64.GetValue<string>() == Convert.ToBase64String(bytes);
        }

        if (expected is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var s = v.GetValue<string>();
        return reference == Reference.DuckDb ? s == DuckDbBlob(bytes) : s == Encoding.UTF8.GetString(bytes);
    }

    /// <summary>DuckDB's blob-to-text rule as its dumps show it: printable ASCII (backslash included) stays, except quotes, the rest is \xHH.</summary>
    private static string DuckDbBlob(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 32 and <= 126 and not (byte)'\'' and not (byte)'"')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return sb.ToString();
    }

    private static bool DateTimeEquals(DateTime dt, JsonNode? expected, Reference reference)
    {
        if (expected is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var s = v.GetValue<string>();
        if (reference == Reference.Hyparquet)
        {
            // ISO-8601 in UTC with milliseconds.
            var truncated = new DateTime(dt.Ticks - (dt.Ticks % TimeSpan.TicksPerMillisecond));
            return s == truncated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        // DuckDB prints microseconds with trailing zeros trimmed, and "+00" for TIMESTAMPTZ.
        if (s.EndsWith("+00", StringComparison.Ordinal))
        {
            s = s[..^3];
        }

        var micro = new DateTime(dt.Ticks - (dt.Ticks % 10));
        var text = micro.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');
        return s == text;
    }

    private static bool TimeEquals(TimeSpan ts, JsonNode? expected)
    {
        if (expected is not JsonValue v)
        {
            return false;
        }

        var s = v.ToString();
        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var e) && Math.Abs((e - ts).Ticks) < 10;
    }

    private static bool CompareStruct(IReadOnlyDictionary<string, object?> st, JsonNode? expected, Reference reference, string path, List<string> problems, Func<object?, JsonNode?, bool>? accept)
    {
        if (expected is not JsonObject o)
        {
            return false;
        }

        foreach (var (key, value) in st)
        {
            // hyparquet leaves out struct fields that are null.
            Compare(value, o.TryGetPropertyValue(key, out var e) ? e : null, reference, $"{path}.{key}", problems, accept);
        }

        foreach (var (key, _) in o)
        {
            if (!st.ContainsKey(key))
            {
                problems.Add($"{path}: reference has field '{key}' the reader did not return");
            }
        }

        return true;
    }

    private static bool CompareList(IReadOnlyList<object?> list, JsonNode? expected, Reference reference, string path, List<string> problems, Func<object?, JsonNode?, bool>? accept)
    {
        if (expected is not JsonArray a || a.Count != list.Count)
        {
            return false;
        }

        for (var i = 0; i < list.Count; i++)
        {
            Compare(list[i], a[i], reference, $"{path}[{i}]", problems, accept);
        }

        return true;
    }

    private static bool CompareMap(KeyValuePair<object?, object?>[] map, JsonNode? expected, Reference reference, string path, List<string> problems, Func<object?, JsonNode?, bool>? accept)
    {
        if (reference == Reference.DuckDb)
        {
            if (expected is not JsonArray a || a.Count != map.Length)
            {
                return false;
            }

            for (var i = 0; i < map.Length; i++)
            {
                Compare(map[i].Key, a[i]?["key"], reference, $"{path}[{i}].key", problems, accept);
                Compare(map[i].Value, a[i]?["value"], reference, $"{path}[{i}].value", problems, accept);
            }

            return true;
        }

        // hyparquet: a JSON object keyed by the keys' text (so a repeated key keeps its last value).
        if (expected is not JsonObject o)
        {
            return false;
        }

        var last = new Dictionary<string, object?>();
        foreach (var (k, v) in map)
        {
            last[Convert.ToString(k, CultureInfo.InvariantCulture) ?? "null"] = v;
        }

        if (last.Count != o.Count)
        {
            return false;
        }

        foreach (var (k, v) in last)
        {
            if (!o.TryGetPropertyValue(k, out var e))
            {
                problems.Add($"{path}: reference lacks map key '{k}'");
                continue;
            }

            Compare(v, e, reference, $"{path}[{k}]", problems, accept);
        }

        return true;
    }
}
