using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// One drawing, two outputs: Skia's SVG canvas (glyphs positioned by the embedded font's metrics) and a raster PNG,
/// so no SVG rasteriser (rsvg-convert) or system font is needed for either.
/// </summary>
public static partial class Canvases
{
    /// <summary>The drawing as an SVG document, with a <c>&lt;title&gt;</c> and an accessible name.</summary>
    public static string Svg(float width, float height, string title, Action<SKCanvas> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        PlotFonts.Install();
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            draw(canvas);
        }

        // Skia numbers clip paths from a process-wide counter; renumber them in document order so the same figure
        // gives the same bytes whatever was drawn before it. Then give them a prefix from the figure's own content:
        // ids are document-wide, so two figures inlined in one HTML page (report.html) that both say clip0 would
        // both be clipped by the first one's rectangle.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var numbered = ClipId().Replace(Encoding.UTF8.GetString(stream.ToArray()), m =>
            ids.TryGetValue(m.Value, out var id) ? id : ids[m.Value] = string.Create(CultureInfo.InvariantCulture, $"clip{ids.Count}"));
        var svg = SvgIds.Prefix(numbered, "f" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(numbered + "\n" + title)))[..10] + "-");
        var root = svg.IndexOf("<svg ", StringComparison.Ordinal);
        var close = svg.IndexOf('>', root);
        var label = WebUtility.HtmlEncode(title);
        var viewBox = string.Create(CultureInfo.InvariantCulture, $" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{label}\"");
        return svg[root..close] + viewBox + ">\n<title>" + label + "</title>" + svg[(close + 1)..];
    }

    /// <summary>The drawing as PNG at <paramref name="scale"/> times its size (2 = sharp on high-density screens and in print).</summary>
    public static byte[] Png(float width, float height, float scale, Action<SKCanvas> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        PlotFonts.Install();
        var info = new SKImageInfo((int)Math.Ceiling(width * scale), (int)Math.Ceiling(height * scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"Skia could not allocate a {info.Width}x{info.Height} surface.");
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.Scale(scale);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [GeneratedRegex("cl_[0-9a-f]+")]
    private static partial Regex ClipId();
}
