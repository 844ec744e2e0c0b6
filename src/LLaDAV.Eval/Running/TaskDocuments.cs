using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// A task's documents as lmms-eval builds them: the split's rows through the file readers, then the task's
/// <c>process_docs</c> (lmms-eval 75571cf <c>api/task.py</c> ConfigurableTask), numbered from 0. Shared by the
/// runner, the planners and the verbs that look at documents (tasks, render, validate).
/// </summary>
public sealed class TaskDocuments(IReadOnlyList<IDatasetFileReader> readers)
{
    public IEnumerable<(int Id, Doc Doc)> Read(TaskDefinition task, DatasetLocation data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(data);
        var root = MediaPath.DatasetRoot(data.Root, task.Spec.DatasetPath);
        var docs = data.Files.SelectMany(file => ReaderFor(file)
            .Read(file, null, ct)
            .Select(row => new Doc(row, Path.GetDirectoryName(file)!, file, root)));
        if (task.ProcessDocs is { } process)
        {
            docs = process(docs);
        }

        return docs.Select((doc, i) => (i, doc));
    }

    /// <summary>The number of docs in a task's evaluation split (after process_docs): lmms-eval's n-samples.original.</summary>
    public int Count(TaskDefinition task, DatasetLocation data)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(data);
        if (task.ProcessDocs is null)
        {
            return checked((int)data.Files.Sum(f => ReaderFor(f).CountRows(f)));
        }

        return Read(task, data, CancellationToken.None).Count();
    }

    /// <summary>lmms-eval <c>--limit</c> (evaluator.py): a count, or a fraction in (0, 1) of the split, rounded up.</summary>
    public static int Effective(int original, double? limit) => limit switch
    {
        null => original,
        > 0 and < 1 => Math.Min(original, (int)Math.Ceiling(original * limit.Value)),
        _ => Math.Min(original, (int)limit.Value),
    };

    private IDatasetFileReader ReaderFor(string file) =>
        readers.FirstOrDefault(r => r.CanRead(file)) ?? throw new DataException($"No reader for {file}; supported: .jsonl, .parquet.");
}
