using System.Xml.Linq;

namespace LLaDAV.Eval.Testing;

/// <summary>The strings an SVG document draws: the trimmed content of every &lt;text&gt; element, in document order.</summary>
public static class SvgTexts
{
    public static IReadOnlyList<string> Of(string svg) =>
        [.. XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];
}
