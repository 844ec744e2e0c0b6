using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>One task of a run, checked and counted before anything is written.</summary>
public sealed record TaskPlan(
    TaskDefinition Task,
    DatasetLocation Data,
    string Fingerprint,
    int Original,
    int Effective,
    IReadOnlyList<int> Mine,
    GenerationKwargs GenKwargs);

/// <summary>
/// Everything a run can check before it creates its directory (issue 14 §2: no half-made run directory): each
/// task's generation settings (type, range, the diffusion shape rules), its dataset's columns (the first document is
/// rendered, so a file of another dataset fails here, not mid-run), its document counts, the replay responses
/// covering every document to run, and a writable output location.
/// </summary>
public static class RunPlanner
{
    public static IReadOnlyList<TaskPlan> Plan(
        EvaluationRunner runner,
        IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> located,
        RunRequest request,
        IModelBackend backend)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(located);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        var config = request.Config;
        var diffusion = backend is LlavaBackend { Model.Family: LlavaFamily.LladaV };
        var cliKeys = KeyValueList.Parse(config.GenKwargs, "--gen-kwargs").Keys.ToHashSet(StringComparer.Ordinal);
        var plans = new List<TaskPlan>();
        foreach (var (task, data, fingerprint) in located)
        {
            var genKwargs = EvaluationRunner.GenerationKwargsFor(task, config, backend.Name);
            try
            {
                GenerationKwargsSchema.Validate(genKwargs, diffusion, key => cliKeys.Contains(key)
                    ? "from --gen-kwargs"
                    : $"from generation_kwargs of task '{task.Name}' in {task.Spec.SourceFile}");
            }
            catch (GenerationKwargsException e)
            {
                throw new ConfigException(e.Message + " Fix the value and run again.", e);
            }

            CheckColumns(runner, task, data);
            var original = runner.CountDocs(task, data);
            var effective = EvaluationRunner.Effective(original, config.Limit);
            var mine = Enumerable.Range(0, effective).Where(config.Shard.Owns).ToList();
            if (backend is IRequestPreflight preflight)
            {
                preflight.CheckKnown(new Models.Backends.TaskName(task.Name), original);
                var done = request.Resume ? SampleJournal.Read(ResultsWriter.JournalPath(request.RunDirectory, task.Name)) : [];
                var todo = mine.Where(id => !done.ContainsKey(id)).Select(i => new Models.Backends.DocId(i)).ToList();
                if (todo.Count > 0)
                {
                    preflight.Check(new Models.Backends.TaskName(task.Name), todo);
                }
            }

            plans.Add(new TaskPlan(task, data, fingerprint, original, effective, mine, genKwargs));
        }

        if (!request.Resume)
        {
            EvaluationRunner.ThrowIfHoldsRun(request.RunDirectory);
            CheckWritable(request.RunDirectory);
        }

        return plans;
    }

    /// <summary>
    /// Renders the split's first document (text, visual references, target): a column the task reads and the file
    /// lacks is reported here, with the dataset the task expects. Missing media is not checked here (it is per sample,
    /// and skippable).
    /// </summary>
    private static void CheckColumns(EvaluationRunner runner, TaskDefinition task, DatasetLocation data)
    {
        var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, "default");
        try
        {
            foreach (var (_, doc) in runner.ReadDocs(task, data, CancellationToken.None).Take(1))
            {
                _ = task.DocToText(doc, kwargs);
                _ = task.DocToTarget(doc);
                try
                {
                    _ = task.DocToVisual(doc, kwargs);
                }
                catch (MissingMediaException)
                {
                    // Per-sample, and --skip-missing-media may skip it.
                }
            }
        }
        catch (MissingColumnException e)
        {
            throw new MissingColumnException(
                e.File,
                e.Column,
                e.Columns,
                $"{e.File} has no column '{e.Column}', which task '{task.Name}' reads; its columns are: {string.Join(", ", e.Columns)}. " +
                $"The task expects the dataset {task.Spec.DatasetPath} (split '{task.Spec.Split}'): is this file from another dataset? Check --data-dir.");
        }
    }

    /// <summary>An output location that cannot be created or written is one error naming the path, before anything is written.</summary>
    public static void CheckWritable(string runDirectory)
    {
        var dir = Path.GetFullPath(runDirectory);
        while (!Directory.Exists(dir))
        {
            if (File.Exists(dir))
            {
                throw new ConfigException($"Cannot write the run to {runDirectory}: {dir} is a file, not a folder. Pass another --output.");
            }

            var parent = Path.GetDirectoryName(dir);
            if (parent is null)
            {
                break;
            }

            dir = parent;
        }

        if (Io.PosixFile.Supported && !Io.PosixFile.CanWrite(dir))
        {
            throw new ConfigException($"Cannot write the run to {runDirectory}: {dir} is not writable ({Io.PosixFile.LastError()}). Pass a writable --output.");
        }
    }
}
