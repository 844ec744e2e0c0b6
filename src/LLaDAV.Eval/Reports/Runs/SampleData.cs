namespace LLaDAV.Eval.Reports.Runs;

/// <summary>
/// The one wording for "these scores come from the embedded sample" (manifest.json tasks.&lt;task&gt;.dataset.source =
/// "sample", <see cref="RunDirectory.IsSample"/>): a run on the 3–8 documents shipped with each task tests the
/// pipeline, not the model, so every figure, table and report that shows such a score carries this.
/// </summary>
public static class SampleData
{
    /// <summary>The short marker appended to a row label or a title.</summary>
    public const string Marker = "(sample data)";

    /// <summary>A sentence naming the tasks that ran on the sample, or null when none did.</summary>
    public static string? Notice(IEnumerable<string> sampleTasks)
    {
        ArgumentNullException.ThrowIfNull(sampleTasks);
        var tasks = sampleTasks.Distinct().Order(StringComparer.Ordinal).ToList();
        return tasks.Count == 0 ? null
            : $"SAMPLE DATA: {string.Join(", ", tasks)} scored the embedded 3-8-document sample, not the benchmark; these numbers test the pipeline and say nothing about the model.";
    }

    /// <summary>The figure-note form (short, so it does not widen the figure much), or null when no task ran on the sample.</summary>
    public static string? FigureNote(IEnumerable<string> sampleTasks)
    {
        ArgumentNullException.ThrowIfNull(sampleTasks);
        var tasks = sampleTasks.Distinct().Order(StringComparer.Ordinal).ToList();
        return tasks.Count == 0 ? null : $"SAMPLE DATA (embedded 3-8 docs, not the benchmark): {string.Join(", ", tasks)}";
    }
}
