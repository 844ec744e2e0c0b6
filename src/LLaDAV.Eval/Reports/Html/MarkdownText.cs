using System.Text;

namespace LLaDAV.Eval.Reports.Html;

/// <summary>Markdown escaping for report.md, as <see cref="HtmlText"/> is for report.html.</summary>
public static class MarkdownText
{
    /// <summary>
    /// Text from the run's data or flags (model args, tags, run ids, task names) as literal Markdown (issue 23 §6): HTML
    /// tags and entities become text, Markdown's punctuation is backslash-escaped (CommonMark 0.31 §2.4 lets any ASCII
    /// punctuation be escaped), line breaks and other control characters cannot start a new block or reach a terminal.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '_' && i > 0 && i < value.Length - 1 && char.IsLetterOrDigit(value[i - 1]) && char.IsLetterOrDigit(value[i + 1]))
            {
                // Intraword '_' never delimits emphasis (CommonMark §6.2), so mmmu_val stays readable in the raw file.
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '!' or '|' or '~' or '{' or '}' or '"':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(Errors.Terminal.Escape(c.ToString()).Replace("\\", "\\\\", StringComparison.Ordinal));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
