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
        bool Free(PixelRect box) =>
            Contains(dataArea, box)
            && !placed.Any(b => Overlap(b, box))
            && !markers.Any(m => (m.X != at.X || m.Y != at.Y) && Overlap(new PixelRect(m.X - MarkerHalf, m.X + MarkerHalf, m.Y + MarkerHalf, m.Y - MarkerHalf), box));

        // No free spot: the first that ScottPlot will not clip, overlapping or not.
        var chosen = candidates.FirstOrDefault(Free, candidates.FirstOrDefault(b => Contains(dataArea, b), candidates[0]));
        placed.Add(chosen);
        return chosen;
    }

    public static bool Overlap(PixelRect a, PixelRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;

    public static bool Contains(PixelRect outer, PixelRect inner) =>
        inner.Left >= outer.Left && inner.Right <= outer.Right && inner.Top >= outer.Top && inner.Bottom <= outer.Bottom;
}
