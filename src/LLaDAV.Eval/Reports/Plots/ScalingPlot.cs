using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// Data-scaling curves as in the paper's Fig. 3 and Fig. 5 (the LLaDA-V paper (arXiv:2505.16933) "Data scaling"): x = the checkpoint's training
/// samples (<c>--tag train_samples=3M</c> in manifest.json config.tags), y = the task's primary score with its
/// standard error, one line per model family, one panel per task.
/// </summary>
public static class ScalingPlot
{
    /// <summary>The combined figure (small multiples) and one single-panel figure per task.</summary>
    public static (Figure All, ImmutableArray<(string Task, Figure Figure)> PerTask) Build(IReadOnlyList<RunDirectory> runs, AxisScale xScale, PaperReference? paper)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ConfigException("plot scaling needs run directories: one run per (model, training-set size) checkpoint, each tagged --tag train_samples=N.");
        }

        var rows = runs.SelectMany(run =>
        {
            var x = RunMetadata.TrainSamples(run);
            if (xScale == AxisScale.Log && x <= 0)
            {
                throw new DataException($"Run {run.Path} has train_samples {x}; a log axis needs a positive count (or pass --x-scale linear).");
            }

            return run.Tasks.Select(t => (Family: RunMetadata.Family(run), X: x, Score: TaskScores.Primary(run, t, paper), Sample: run.IsSample(t))).Where(r => r.Score is not null);
        }).ToList();
        if (rows.Count == 0)
        {
            throw new DataException("None of the runs has a numeric score to plot.");
        }

        var families = rows.Select(r => r.Family).Distinct().Order(StringComparer.Ordinal).ToList();
        // Ticks at the checkpoints' own sample counts, as the paper marks 1M/3M/9M on its Fig. 3/5 axes (a 1-2-5
        // grid would label 2M and 5M, where no model was trained, and leave 3M and 9M unlabelled).
        var xAxis = new Axis(xScale == AxisScale.Log ? "training samples (log scale)" : "training samples", xScale, TickFormat.Count, Min: 0, Marks: [.. rows.Select(r => r.X).Distinct().Order()]);
        var panels = rows.GroupBy(r => r.Score!.Task).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var first = g.First().Score!;
            var series = g.GroupBy(r => r.Family).OrderBy(f => families.IndexOf(f.Key)).Select(f => new PlotSeries(
                f.Key,
                [.. f.OrderBy(r => r.X).Select(r => new PlotPoint(r.X, r.Score!.Value, r.Score.Stderr))],
                SeriesStyle.ForIndex(families.IndexOf(f.Key))));
            var sample = g.Any(r => r.Sample) ? " " + SampleData.Marker : "";
            return new Panel($"{first.Benchmark} ({g.Key}){sample}", xAxis, Axis.Score(first.Unit.Contains(',', StringComparison.Ordinal) ? first.Unit : $"score ({first.Unit})", first.Unit), [.. series]);
        }).ToImmutableArray();

        var sampleNote = SampleData.FigureNote(rows.Where(r => r.Sample).Select(r => r.Score!.Task));
        var note = "Error bars: ±1 standard error where results.json reports one. x from each run's --tag train_samples." + (sampleNote is null ? "" : "\n" + sampleNote);
        var marker = sampleNote is null ? "" : " " + SampleData.Marker;
        var all = new Figure("Data scaling: score vs training samples" + marker, panels, Math.Min(3, panels.Length), note);

        // A single-panel figure carries the panel's title as its own; the panel repeats no title above the axes.
        var tasks = rows.Select(r => r.Score!.Task).Distinct().Order(StringComparer.Ordinal).ToList();
        var perTask = panels.Select((p, i) => (Task: tasks[i], Figure: new Figure($"Data scaling: {p.Title}", [p with { Title = "" }], 1, note)));
        return (all, [.. perTask]);
    }
}
