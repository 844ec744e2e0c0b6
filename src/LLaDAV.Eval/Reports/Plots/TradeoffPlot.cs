using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// Accuracy vs throughput (the LLaDA-V paper (arXiv:2505.16933) "Fast-dLLM cache", Table 8): one point per configuration labelled by its
/// refresh interval r (from <c>--gen-kwargs refresh_interval=...</c> or <c>--tag refresh_interval=...</c>), tokens/s
/// from timing.json, the Pareto frontier drawn; the paper's Table 8 curve in its own panel, labelled as the paper's.
/// </summary>
public static class TradeoffPlot
{
    public static Figure Build(IReadOnlyList<RunDirectory> runs, PaperReference? paper)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ConfigException("plot tradeoff needs run directories, e.g. those 'lladav-eval sweep --sweep refresh_interval=2,4,8' wrote.");
        }

        var xAxis = new Axis("throughput (generated tokens/s)", Min: 0);
        var sample = runs.SelectMany(r => r.SampleTasks).ToHashSet(StringComparer.Ordinal);
        var panels = ImmutableArray.CreateBuilder<Panel>();
        var tasks = runs.SelectMany(r => r.Tasks).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var task in tasks)
        {
            var families = new List<string>();
            var points = new List<(string Family, PlotPoint Point)>();
            string? unit = null;
            string? benchmark = null;
            foreach (var run in runs.Where(r => r.Tasks.Contains(task)))
            {
                var score = TaskScores.Primary(run, task, paper);
                if (score is null)
                {
                    continue;
                }

                var tps = run.TokensPerSecond(task)
                    ?? throw new DataException($"Run {run.Path} has no tokens_per_second for task '{task}' in timing.json (the backend did not time generation; replay runs never do), so it cannot be placed on the throughput axis.");
                if (run.Timing?[task]?["emulated_device"] is JsonValue emulated && emulated.TryGetValue<bool>(out var e) && e)
                {
                    throw new DataException($"Run {run.Path} ran on an emulated device ({(string?)run.Timing[task]!["device"]}; timing.json emulated_device: true): its tokens_per_second for '{task}' is a CPU emulation time, not a GPU timing, so it is not placed on the throughput axis. Plot runs from a real GPU or the CPU.");
                }

                var r = RunMetadata.Setting(run, RunMetadata.RefreshIntervalKey);
                var family = RunMetadata.Family(run);
                if (!families.Contains(family))
                {
                    families.Add(family);
                }

                unit ??= score.Unit;
                benchmark ??= score.Benchmark;
                points.Add((family, new PlotPoint(tps, score.Value, score.Stderr, r is null ? run.Id : $"r={r}")));
            }

            if (points.Count == 0)
            {
                continue;
            }

            var series = ImmutableArray.CreateBuilder<PlotSeries>();
            foreach (var family in families)
            {
                var style = SeriesStyle.ForIndex(families.IndexOf(family)) with { Connect = false };
                series.Add(new PlotSeries($"ours: {family}", [.. points.Where(p => p.Family == family).Select(p => p.Point)], style));
            }

            // A frontier of one point is that point: no line to draw, so no legend entry for one.
            if (Pareto.Frontier(points.Select(p => p.Point)) is { Length: >= 2 } frontier)
            {
                series.Add(new PlotSeries("ours: Pareto frontier", frontier, new SeriesStyle(Palette.Color(0), null, true, "6 4")));
            }

            panels.Add(new Panel($"Our runs: {benchmark} ({task})" + (sample.Contains(task) ? " " + SampleData.Marker : ""), xAxis, Axis.Score($"score ({unit})", unit!), series.ToImmutable()));
        }

        if (panels.Count == 0)
        {
            throw new DataException("None of the runs has a numeric score to plot.");
        }

        if (paper is not null && PaperCurve(paper) is { IsEmpty: false } curve)
        {
            panels.Add(new Panel("Paper Table 8 (reference): MathVista testmini", xAxis, Axis.Score("accuracy (%)", "%"),
            [
                new PlotSeries("paper Table 8: LLaDA-V, Fast-dLLM cache", curve, new SeriesStyle(Palette.Reference, MarkerShape.Square, false)),
                new PlotSeries("paper: Pareto frontier", Pareto.Frontier(curve), new SeriesStyle(Palette.Reference, null, true, "2 3")),
            ]));
        }

        var notice = SampleData.FigureNote(sample);
        return new Figure("Accuracy vs throughput by cache refresh interval r" + (notice is null ? "" : " " + SampleData.Marker), panels.ToImmutable(), Math.Min(2, panels.Count),
            "Points labelled by refresh interval r. The grey panel is the paper's published Table 8, not our measurement." + (notice is null ? "" : "\n" + notice));
    }

    /// <summary>The paper's Table 8 as (tokens/s, accuracy %) points labelled r=….</summary>
    public static ImmutableArray<PlotPoint> PaperCurve(PaperReference paper)
    {
        ArgumentNullException.ThrowIfNull(paper);
        return [.. paper.Table("table8").GroupBy(e => e.Setting).Select(g =>
        {
            var accuracy = g.First(e => e.PaperScale == MetricScale.Percent).Value;
            var throughput = g.First(e => e.PaperScale == MetricScale.TokensPerSecond).Value;
            var r = g.Key.Split('=')[^1];
            return new PlotPoint(throughput, accuracy, null, $"r={r}");
        }).OrderBy(p => p.X)];
    }
}
