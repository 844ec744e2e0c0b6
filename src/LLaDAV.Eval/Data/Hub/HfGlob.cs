using System.Text;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>
/// The glob dialect <c>datasets</c> resolves data-file patterns with: fsspec &gt;= 2023.12's <c>glob</c>, which is
/// Python 3.13's <c>glob.translate(pattern, recursive=True, include_hidden=True)</c> (huggingface/datasets
/// <c>data_files.py</c> <c>resolve_pattern</c>'s docstring; CPython <c>Lib/glob.py</c> <c>translate</c>):
/// a lone <c>*</c> segment matches one non-empty name, <c>**</c> as a whole segment matches any number of folders
/// (or, last, anything), <c>*</c>/<c>?</c>/<c>[...]</c> inside a name never cross a <c>/</c>, and <c>**</c> glued to
/// other characters is two <c>*</c>s. Paths are relative and use <c>/</c>.
/// </summary>
public static class HfGlob
{
    private const string NotSep = "[^/]";

    /// <summary>True when <paramref name="pattern"/> has a wildcard (Python's <c>glob.has_magic</c>: <c>*</c>, <c>?</c>, <c>[</c>).</summary>
    public static bool HasMagic(string pattern) => pattern.AsSpan().IndexOfAny("*?[") >= 0;

    public static Regex ToRegex(string pattern)
    {
        var parts = pattern.Split('/');
        var sb = new StringBuilder("^(?s:");
        var last = parts.Length - 1;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part == "*")
            {
                sb.Append(i < last ? NotSep + "+/" : NotSep + "+");
            }
            else if (part == "**")
            {
                if (i < last)
                {
                    if (parts[i + 1] != "**")
                    {
                        sb.Append("(?:.+/)?");
                    }
                }
                else
                {
                    sb.Append(".*");
                }
            }
            else
            {
                TranslateName(part, sb);
                if (i < last)
                {
                    sb.Append('/');
                }
            }
        }

        sb.Append(")$");
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }

    /// <summary>CPython <c>fnmatch._translate</c> for one path segment, with <c>*</c> → <c>[^/]*</c>, <c>?</c> → <c>[^/]</c>.</summary>
    private static void TranslateName(string name, StringBuilder sb)
    {
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i++];
            switch (c)
            {
                case '*':
                    sb.Append(NotSep).Append('*');
                    while (i < name.Length && name[i] == '*')
                    {
                        i++;
                    }

                    break;
                case '?':
                    sb.Append(NotSep);
                    break;
                case '[':
                    var j = i;
                    if (j < name.Length && name[j] == '!')
                    {
                        j++;
                    }

                    if (j < name.Length && name[j] == ']')
                    {
                        j++;
                    }

                    while (j < name.Length && name[j] != ']')
                    {
                        j++;
                    }

                    if (j >= name.Length)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var body = name[i..j];
                    i = j + 1;
                    sb.Append('[');
                    var k = 0;
                    if (body.StartsWith('!'))
                    {
                        sb.Append('^');
                        k = 1;
                    }

                    for (; k < body.Length; k++)
                    {
                        if (k + 2 < body.Length && body[k + 1] == '-')
                        {
                            sb.Append(ClassChar(body[k])).Append('-').Append(ClassChar(body[k + 2]));
                            k += 2;
                        }
                        else
                        {
                            sb.Append(ClassChar(body[k]));
                        }
                    }

                    sb.Append(']');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }

    private static string ClassChar(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
}
