using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it: with <c>ensure_ascii=False</c> for lmms-eval's
/// <c>evaluation_tracker.py</c> files, with the default <c>ensure_ascii=True</c> for the tasks' submission files
/// (<c>json.dump(obj, f)</c>): <c>", "</c>/<c>": "</c> separators on one line, or <c>indent=2</c> with <c>","</c>; floats as <c>repr(float)</c> (<c>1.0</c>, <c>0.1</c>, <c>1e-05</c>, <c>NaN</c>), ints without a point;
/// non-ASCII text unescaped, control characters as <c>\n</c>/<c>\uXXXX</c>. Whether a number is a float or an int is
/// the node's own: a <c>double</c> is a float even when whole, as Python's <c>1.0</c> is.
/// </summary>
public static class PythonJson
{
    public static string Dumps(JsonNode? node, int? indent = null, bool ensureAscii = false)
    {
        var sb = new StringBuilder();
        Write(sb, node, indent, 0, ensureAscii);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int? indent, int level, bool ascii)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                if (o.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append('{');
                var first = true;
                foreach (var (key, value) in o)
                {
                    Separator(sb, indent, level + 1, ref first);
                    String(sb, key, ascii);
                    sb.Append(": ");
                    Write(sb, value, indent, level + 1, ascii);
                }

                Close(sb, indent, level);
                sb.Append('}');
                break;
            case JsonArray a:
                if (a.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                var firstItem = true;
                foreach (var item in a)
                {
                    Separator(sb, indent, level + 1, ref firstItem);
                    Write(sb, item, indent, level + 1, ascii);
                }

                Close(sb, indent, level);
                sb.Append(']');
                break;
            case JsonValue v:
                Value(sb, v, ascii);
                break;
        }
    }

    private static void Separator(StringBuilder sb, int? indent, int level, ref bool first)
    {
        if (!first)
        {
            sb.Append(indent is null ? ", " : ",");
        }

        first = false;
        if (indent is { } n)
        {
            sb.Append('\n').Append(' ', n * level);
        }
    }

    private static void Close(StringBuilder sb, int? indent, int level)
    {
        if (indent is { } n)
        {
            sb.Append('\n').Append(' ', n * level);
        }
    }

    private static void Value(StringBuilder sb, JsonValue v, bool ascii)
    {
        if (v.TryGetValue<JsonElement>(out var e))
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    String(sb, e.GetString()!, ascii);
                    return;
                case JsonValueKind.True:
                    sb.Append("true");
                    return;
                case JsonValueKind.False:
                    sb.Append("false");
                    return;
                case JsonValueKind.Null:
                    sb.Append("null");
                    return;
                case JsonValueKind.Number:
                    var raw = e.GetRawText();
                    // Parsed text keeps its kind: a point or an exponent is a float, else an int.
                    sb.Append(raw.AsSpan().IndexOfAny(".eE") >= 0 ? Float(e.GetDouble()) : raw);
                    return;
                default:
                    sb.Append(e.GetRawText());
                    return;
            }
        }

        if (v.TryGetValue<string>(out var s))
        {
            String(sb, s, ascii);
        }
        else if (v.TryGetValue<bool>(out var b))
        {
            sb.Append(b ? "true" : "false");
        }
        else if (v.TryGetValue<double>(out var d))
        {
            sb.Append(Float(d));
        }
        else if (v.TryGetValue<float>(out var f))
        {
            sb.Append(Float(f));
        }
        else
        {
            sb.Append(v.ToJsonString());
        }
    }

    /// <summary>Python's <c>float.__repr__</c>: shortest round-trip digits; positional for 1e-4 &lt;= |x| &lt; 1e16, else <c>d.ddde±XX</c>.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        // "E16" is not shortest; "R" is: split it into its digits and decimal exponent, then lay them out as repr does.
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        var exp = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exp = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }

        var point = r.IndexOf('.');
        var intPart = point >= 0 ? r[..point] : r;
        var frac = point >= 0 ? r[(point + 1)..] : "";
        var digits = (intPart + frac).TrimStart('0');
        var leadingZeros = (intPart + frac).Length - (intPart + frac).TrimStart('0').Length;
        // decimal exponent of the first significant digit
        var decExp = intPart.Length - 1 + exp - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        string body;
        if (decExp is >= -4 and < 16)
        {
            if (decExp >= 0)
            {
                var whole = digits.Length > decExp + 1 ? digits[..(decExp + 1)] : digits.PadRight(decExp + 1, '0');
                var rest = digits.Length > decExp + 1 ? digits[(decExp + 1)..] : "";
                body = whole + "." + (rest.Length == 0 ? "0" : rest);
            }
            else
            {
                body = "0." + new string('0', -decExp - 1) + digits;
            }
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            body = mantissa + "e" + (decExp < 0 ? "-" : "+") + Math.Abs(decExp).ToString("00", CultureInfo.InvariantCulture);
        }

        return negative ? "-" + body : body;
    }

    /// <summary>
    /// <c>json.encoder.py_encode_basestring</c>: '"', '\\' and control characters escaped, the rest as is; with
    /// <paramref name="ascii"/>, <c>py_encode_basestring_ascii</c>: everything outside printable ASCII as \uXXXX.
    /// </summary>
    private static void String(StringBuilder sb, string s, bool ascii)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                case > '~' when ascii: sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
