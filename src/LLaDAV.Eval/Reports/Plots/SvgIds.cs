using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// Renames every id an SVG document defines, and every reference to one (<c>url(#id)</c>, <c>href="#id"</c>), with a
/// prefix. An id is unique per HTML document, not per inline &lt;svg&gt;: the browser resolves <c>url(#clip0)</c> to
/// the first element with that id in the page, so figures inlined side by side need ids of their own.
/// </summary>
public static partial class SvgIds
{
    public static string Prefix(string svg, string prefix)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var defined = Definition().Matches(svg).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        if (defined.Count == 0)
        {
            return svg;
        }

        string Rename(Match m) => defined.Contains(m.Groups[2].Value) ? m.Groups[1].Value + prefix + m.Groups[2].Value + m.Groups[3].Value : m.Value;
        return Reference().Replace(Definition2().Replace(svg, Rename), Rename);
    }

    [GeneratedRegex("""\sid="([^"]+)"(?=[\s/>])""")]
    private static partial Regex Definition();

    [GeneratedRegex("""(\sid=")([^"]+)(")""")]
    private static partial Regex Definition2();

    [GeneratedRegex("""(url\(#|href="#)([^)"]+)([)"])""")]
    private static partial Regex Reference();
}
