using System.Text;

namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// <c>ast.literal_eval</c> for what benchmark columns hold as text: a Python list of string literals, e.g. MMMU's
/// <c>options</c> column <c>"['1', \"it's\", '3']"</c> (docs/LMMS-EVAL.md §2.1).
/// </summary>
public static class PyLiteral
{
    public static IReadOnlyList<string> ParseStringList(string text)
    {
        var s = PyStr.Strip(text);
        if (s.Length < 2 || s[0] != '[' || s[^1] != ']')
        {
            throw new FormatException($"Expected a Python list literal like ['a', 'b'] but got: {Truncate(s)}");
        }

        var items = new List<string>();
        var i = 1;
        while (true)
        {
            SkipSpace(s, ref i);
            if (s[i] == ']')
            {
                break;
            }

            items.Add(ReadString(s, ref i));
            SkipSpace(s, ref i);
            if (s[i] == ',')
            {
                i++;
                continue;
            }

            if (s[i] != ']')
            {
                throw new FormatException($"Expected ',' or ']' at offset {i} of: {Truncate(s)}");
            }

            break;
        }

        return items;
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && PyStr.IsSpace(s[i]))
        {
            i++;
        }

        if (i >= s.Length)
        {
            throw new FormatException($"Unterminated list literal: {Truncate(s)}");
        }
    }

    private static string ReadString(string s, ref int i)
    {
        var quote = s[i];
        if (quote is not ('\'' or '"'))
        {
            throw new FormatException($"Expected a string literal at offset {i} of: {Truncate(s)}");
        }

        var sb = new StringBuilder();
        for (i++; i < s.Length; i++)
        {
            var c = s[i];
            if (c == quote)
            {
                i++;
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= s.Length)
            {
                break;
            }

            var e = s[i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                case '\n': break;
                case 'x' when i + 2 < s.Length:
                    sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                    i += 2;
                    break;
                case 'u' when i + 4 < s.Length:
                    sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                case 'U' when i + 8 < s.Length:
                    sb.Append(char.ConvertFromUtf32(Convert.ToInt32(s.Substring(i + 1, 8), 16)));
                    i += 8;
                    break;
                default:
                    // Python keeps unknown escapes verbatim.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        throw new FormatException($"Unterminated string literal in: {Truncate(s)}");
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
