using ScottPlot;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>Where a point's label goes: beside its marker, clear of other labels and markers.</summary>
public static class LabelPlacement
{
    private const float Gap = 6;
    private const float MarkerHalf = 5;

    /// <summary>
    /// Above-right, else below-right, above-left or below-left of <paramref name="at"/>: the first box inside the data
    /// area (ScottPlot clips plottables to it) that overlaps neither an earlier label nor another marker; the chosen
    /// box is added to <paramref name="placed"/>.
    /// </summary>
    public static PixelRect Place(List<PixelRect> placed, IReadOnlyList<Pixel> markers, PixelRect dataArea, Pixel at, float width, float height)
    {
        ArgumentNullException.ThrowIfNull(placed);
        ArgumentNullException.ThrowIfNull(markers);
        PixelRect[] candidates =
        [
            new(at.X + Gap, at.X + Gap + width, at.Y - Gap, at.Y - Gap - height),
            new(at.X + Gap, at.X + Gap + width, at.Y + Gap + height, at.Y + Gap),
            new(at.X - Gap - width, at.X - Gap, at.Y - Gap, at.Y - Gap - height),
            new(at.X - Gap - width, at.X - Gap, at.Y + Gap + height, at.Y + Gap),
        ];
        foreach (var box in candidates)
        {
            var hitsMarker = markers.Any(m => (m.X != at.X || m.Y != at.Y) && m.X + MarkerHalf > box.Left && m.X - MarkerHalf < box.Right && m.Y + MarkerHalf > box.Top && m.Y - MarkerHalf < box.Bottom);
            var inside = box.Left >= dataArea.Left && box.Right <= dataArea.Right && box.Top >= dataArea.Top && box.Bottom <= dataArea.Bottom;
            if (inside && !hitsMarker && !placed.Any(b => Overlap(b, box)))
            {
                placed.Add(box);
                return box;
            }
        }

        var fallback = candidates.FirstOrDefault(b => b.Top >= dataArea.Top && b.Bottom <= dataArea.Bottom && b.Left >= dataArea.Left && b.Right <= dataArea.Right, candidates[0]);
        placed.Add(fallback);
        return fallback;
    }

    public static bool Overlap(PixelRect a, PixelRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
}
