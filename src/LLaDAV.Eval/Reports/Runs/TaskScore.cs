using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;

namespace LLaDAV.Eval.Reports.Runs;

/// <summary>A task's primary score of one run, on the paper's scale where the paper maps the metric (else as results.json has it).</summary>
/// <param name="Task">The task.</param>
/// <param name="Metric">The results.json key, e.g. <c>mmmu_acc,none</c>.</param>
/// <param name="Benchmark">The paper's benchmark name, or the task name.</param>
/// <param name="Value">The score on the display scale.</param>
/// <param name="Stderr">Its standard error on the same scale, where results.json has a number.</param>
/// <param name="Unit">The display unit: "%", "points", or the metric key when the scale is unknown.</param>
public sealed record TaskScore(string Task, string Metric, string Benchmark, double Value, double? Stderr, string Unit);

/// <summary>Resolves the primary metric of a task and converts it for display.</summary>
public static class TaskScores
{
    /// <summary>The task's primary metric: the paper's key where the run has it, else the first metric in results.json.</summary>
    public static string PrimaryMetric(RunDirectory run, string task, PaperReference? paper)
    {
        ArgumentNullException.ThrowIfNull(run);
        var keys = run.MetricKeys(task);
        var preferred = paper?.PrimaryMetric(task);
        return preferred is not null && keys.Contains(preferred) ? preferred
            : keys.Length > 0 ? keys[0]
            : throw new DataException($"{run.Path}/results.json has no metric for task '{task}'.");
    }

    /// <summary>The primary score, or null when results.json holds no number for it.</summary>
    public static TaskScore? Primary(RunDirectory run, string task, PaperReference? paper)
    {
        var metric = PrimaryMetric(run, task, paper);
        if (run.Score(task, metric) is not { } value)
        {
            return null;
        }

        var entry = paper?.ForMetric(task, metric);
        var factor = entry is null ? 1 : MetricScales.Factor(entry.OursScale, entry.PaperScale);
        return new TaskScore(task, metric, entry?.Benchmark ?? task, value * factor, run.Stderr(task, metric) * factor, entry is null ? metric : MetricScales.Unit(entry.PaperScale));
    }
}
