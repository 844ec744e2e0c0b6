namespace LLaDAV.Eval.Running;

/// <summary>
/// A run stopped by a signal (Ctrl-C, or the SIGTERM Slurm sends before a kill; issue 14 §4): the batch in flight is
/// abandoned at its next forward pass (its samples are not finished, so none is journaled) and the exception says what
/// the journal kept, so the CLI can say it and how to continue.
/// </summary>
public sealed class RunInterruptedException(string runDirectory, int saved, int total, Exception? inner = null)
    : OperationCanceledException($"interrupted: {saved} of {total} samples saved; resume with: lladav-eval run --resume {LLaDAV.Eval.Scaling.SlurmScripts.Quote(runDirectory)}", inner)
{
    public string RunDirectory { get; } = runDirectory;

    public int Saved { get; } = saved;

    public int Total { get; } = total;

    /// <summary>Counts the journaled samples of this run's (shard's) documents, as <c>--resume</c> will find them.</summary>
    internal static RunInterruptedException Count(string runDirectory, IReadOnlyList<TaskPlan> plans, Exception inner)
    {
        var saved = 0;
        foreach (var plan in plans)
        {
            var path = ResultsWriter.JournalPath(runDirectory, plan.Task.Name);
            if (File.Exists(path))
            {
                var entries = SampleJournal.Read(path);
                saved += plan.Mine.Count(entries.ContainsKey);
            }
        }

        return new RunInterruptedException(runDirectory, saved, plans.Sum(p => p.Mine.Count), inner);
    }
}
