using System.Collections.Immutable;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>The Pareto frontier of (throughput, accuracy) points, both to be maximised.</summary>
public static class Pareto
{
    /// <summary>
    /// The points no other point beats on both axes (at least as good on one, strictly better on the other),
    /// ordered by X. Equal points are kept once.
    /// </summary>
    public static ImmutableArray<PlotPoint> Frontier(IEnumerable<PlotPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var frontier = new List<PlotPoint>();
        var bestY = double.NegativeInfinity;

        // Sweep from the highest X down; a point is on the frontier if it beats every point with higher X on Y.
        foreach (var p in points.OrderByDescending(p => p.X).ThenByDescending(p => p.Y))
        {
            if (p.Y > bestY)
            {
                frontier.Add(p);
                bestY = p.Y;
            }
        }

        return [.. frontier.OrderBy(p => p.X)];
    }
}
