using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// Python's <c>json.dump(obj, f)</c> with its defaults (<c>ensure_ascii=True</c>, separators <c>", "</c> and
/// <c>": "</c>, floats as <c>repr</c>), so submission files match what lmms-eval writes byte for byte.
/// </summary>
public static class PyJson
{
    public static string Dumps(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in obj)
                {
                    sb.Append(first ? "" : ", ");
                    first = false;
                    String(sb, k);
                    sb.Append(": ");
                    Write(sb, v);
                }

                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    Write(sb, arr[i]);
                }

                sb.Append(']');
                break;
            default:
                var value = node.AsValue();
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        String(sb, value.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    default:
                        sb.Append(value.TryGetValue<long>(out var l) ? l.ToString(CultureInfo.InvariantCulture)
                            : value.TryGetValue<int>(out var i32) ? i32.ToString(CultureInfo.InvariantCulture)
                            : PyFloat.Repr(value.GetValue<double>()));
                        break;
                }

                break;
        }
    }

    /// <summary>json's <c>py_encode_basestring_ascii</c>: \" \\ \n \r \t \b \f escaped, other non-printable-ASCII as \uXXXX.</summary>
    private static void String(StringBuilder sb, string s)
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
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
