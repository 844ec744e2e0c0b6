using System.Collections.Immutable;

namespace LLaDAV.Eval.Tasks.Families.Mvbench;

/// <summary>
/// lladav-eval's own MVBench average, NOT an lmms-eval number: lmms-eval's <c>mvbench</c> group has no
/// <c>aggregate_metric_list</c>, so it reports only the 20 sub-task accuracies (docs/LMMS-EVAL.md §1.6 step 11, §2.18)
/// and papers average them by hand. <see cref="Value"/> is that unweighted mean of the sub-tasks' percentages.
/// </summary>
/// <param name="Value">Mean of the <c>mvbench_accuracy</c> values present; null when none is.</param>
/// <param name="Included">The sub-tasks averaged (task names <c>mvbench_&lt;sub_task&gt;</c>), in group order.</param>
/// <param name="Missing">The group's sub-tasks with no value in the run; a partial average says so.</param>
public sealed record MvbenchAverage(double? Value, ImmutableArray<string> Included, ImmutableArray<string> Missing)
{
    /// <summary>The key under which the average is reported, beside (never inside) lmms-eval's result keys.</summary>
    public const string MetricKey = "mvbench_average";

    /// <summary>Who defines the number: reports must show it as lladav-eval's, not lmms-eval's.</summary>
    public const string Source = "lladav-eval";

    public const string Description =
        "lladav-eval's own unweighted mean of the 20 mvbench_<sub_task> mvbench_accuracy values; lmms-eval reports no MVBench average.";

    public bool IsComplete => Missing.IsEmpty && Value is not null;

    /// <summary>
    /// The average over <paramref name="accuracyByTask"/> (task name → <c>mvbench_accuracy</c>, percent). Tasks
    /// that are not MVBench sub-tasks are ignored.
    /// </summary>
    public static MvbenchAverage Compute(IReadOnlyDictionary<string, double?> accuracyByTask)
    {
        ArgumentNullException.ThrowIfNull(accuracyByTask);
        var included = ImmutableArray.CreateBuilder<string>();
        var missing = ImmutableArray.CreateBuilder<string>();
        var sum = 0.0;
        foreach (var task in MvbenchFamily.SubTasks.Select(s => "mvbench_" + s))
        {
            if (accuracyByTask.TryGetValue(task, out var v) && v is { } value)
            {
                included.Add(task);
                sum += value;
            }
            else
            {
                missing.Add(task);
            }
        }

        return new MvbenchAverage(included.Count == 0 ? null : sum / included.Count, included.ToImmutable(), missing.ToImmutable());
    }
}
