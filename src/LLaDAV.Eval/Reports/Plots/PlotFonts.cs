using ScottPlot;
using SkiaSharp;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// The one typeface every figure uses: DejaVu Sans (regular and bold, Bitstream Vera licence, see
/// Fonts/LICENSE-DejaVu.txt), embedded in this assembly. ScottPlot asks its font resolvers for every text it measures
/// or draws; ours is the only one, so text renders the same on a machine with no fonts installed (no fontconfig, no
/// /usr/share/fonts) and SVG glyph positions are measured with the same metrics as PNG.
/// </summary>
public static class PlotFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> s_faces = new(Load);
    private static readonly Lock s_gate = new();
    private static bool s_installed;

    public static SKTypeface Regular => s_faces.Value.Regular;

    public static SKTypeface Bold => s_faces.Value.Bold;

    /// <summary>Makes the embedded faces ScottPlot's only font source (idempotent, process-wide).</summary>
    public static void Install()
    {
        lock (s_gate)
        {
            if (s_installed)
            {
                return;
            }

            ScottPlot.Fonts.FontResolvers.Clear();
            ScottPlot.Fonts.FontResolvers.Add(new EmbeddedResolver());
            ScottPlot.Fonts.Default = Family;
            ScottPlot.Fonts.Sans = Family;

            // Never call ScottPlot's FontStyler.Set: it pins Fonts.DefaultWeight process-wide, after which every label,
            // titles included, resolves to the regular weight.
            ScottPlot.Fonts.DefaultWeight = null;
            s_installed = true;
        }
    }

    private static (SKTypeface, SKTypeface) Load() => (Face("DejaVuSans.ttf"), Face("DejaVuSans-Bold.ttf"));

    private static SKTypeface Face(string file)
    {
        var name = $"{typeof(PlotFonts).Namespace}.Fonts.{file}";
        using var stream = typeof(PlotFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font resource {name} is missing from {typeof(PlotFonts).Assembly.GetName().Name}; the build must embed Reports/Plots/Fonts/{file}.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"Skia could not read the embedded font {file}.");
    }

    /// <summary>Any family name maps to the embedded face: no figure text may fall back to a system font.</summary>
    private sealed class EmbeddedResolver : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            weight >= FontWeight.SemiBold ? Bold : Regular;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => bold ? Bold : Regular;
    }
}
