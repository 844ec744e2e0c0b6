using System.Globalization;
using System.Net;
using System.Text;

namespace LLaDAV.Eval.Reports.Svg;

/// <summary>Horizontal text anchoring.</summary>
public enum TextAnchor
{
    Start,
    Middle,
    End,
}

/// <summary>
/// A minimal SVG 1.1 writer: lines, polylines, rectangles, markers and text, with coordinates printed
/// culture-invariantly to two decimals so the same plot gives the same bytes on every machine.
/// </summary>
public sealed class SvgCanvas
{
    /// <summary>Fonts present on most systems (rsvg-convert resolves them through fontconfig).</summary>
    public const string FontFamily = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

    private readonly StringBuilder _body = new();

    public SvgCanvas(double width, double height, string title)
    {
        Width = width;
        Height = height;
        Title = title;
    }

    public double Width { get; }

    public double Height { get; }

    public string Title { get; }

    /// <summary>A number as SVG wants it: invariant, at most two decimals, no exponent.</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public void Rect(double x, double y, double w, double h, string fill, string? stroke = null, double strokeWidth = 1) =>
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" fill=\"{fill}\"{Stroke(stroke, strokeWidth, null)}/>\n");

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null) =>
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\"{Stroke(stroke, strokeWidth, dash)}/>\n");

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double strokeWidth = 2, string? dash = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            return;
        }

        var coords = string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}"));
        _body.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{coords}\" fill=\"none\" stroke-linejoin=\"round\"{Stroke(stroke, strokeWidth, dash)}/>\n");
    }

    /// <summary>A marker of about <paramref name="size"/> pixels across, filled, with a white rim so overlapping markers stay distinct.</summary>
    public void Marker(MarkerShape shape, double x, double y, double size, string fill)
    {
        var r = size / 2;
        var attrs = $"fill=\"{fill}\" stroke=\"#FFFFFF\" stroke-width=\"1\"";
        _body.Append(shape switch
        {
            MarkerShape.Circle => $"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\" {attrs}/>\n",
            MarkerShape.Square => $"<rect x=\"{N(x - (r * 0.9))}\" y=\"{N(y - (r * 0.9))}\" width=\"{N(r * 1.8)}\" height=\"{N(r * 1.8)}\" {attrs}/>\n",
            MarkerShape.Triangle => $"<polygon points=\"{N(x)},{N(y - (r * 1.15))} {N(x + r)},{N(y + (r * 0.75))} {N(x - r)},{N(y + (r * 0.75))}\" {attrs}/>\n",
            _ => $"<polygon points=\"{N(x)},{N(y - (r * 1.2))} {N(x + r)},{N(y)} {N(x)},{N(y + (r * 1.2))} {N(x - r)},{N(y)}\" {attrs}/>\n",
        });
    }

    public void Text(double x, double y, string text, double size, TextAnchor anchor = TextAnchor.Start, string fill = "#222222", bool bold = false, double rotate = 0)
    {
        var anchorText = anchor switch { TextAnchor.Middle => "middle", TextAnchor.End => "end", _ => "start" };
        var transform = rotate == 0 ? "" : $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"";
        _body.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" text-anchor=\"{anchorText}\" fill=\"{fill}\"{(bold ? " font-weight=\"bold\"" : "")}{transform}>{Escape(text)}</text>\n");
    }

    /// <summary>The finished document: an <c>svg</c> root with a viewBox, a white background and an accessible title.</summary>
    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"{FontFamily}\">\n" +
        $"<title>{Escape(Title)}</title>\n<rect x=\"0\" y=\"0\" width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"#FFFFFF\"/>\n{_body}</svg>\n";

    /// <summary>An approximate text width for layout (average glyph ≈ 0.6 em in DejaVu Sans).</summary>
    public static double TextWidth(string text, double size) => (text ?? "").Length * size * 0.6;

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Stroke(string? stroke, double width, string? dash) =>
        stroke is null ? "" : $" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}";
}
