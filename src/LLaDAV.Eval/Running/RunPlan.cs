using System.Collections.Immutable;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// One task of a run, checked and counted before anything is written: its documents (<see cref="Mine"/>: this
/// shard's, after --limit; <see cref="Todo"/>: those not yet in the journal) and its generation settings.
/// </summary>
public sealed record TaskPlan(
    TaskDefinition Task,
    DatasetLocation Data,
    string Fingerprint,
    int Original,
    int Effective,
    IReadOnlyList<int> Mine,
    GenerationKwargs GenKwargs)
{
    /// <summary>The documents still to run (all of <see cref="Mine"/> on a new run); the backend's preflight has seen them.</summary>
    public IReadOnlySet<int> Todo { get; init; } = new HashSet<int>(Mine);
}

/// <summary>
/// Everything a run can check before it creates its directory (issue 14 §2: no half-made run directory). First,
/// before any data is located or any model loads, the settings the backend reads (<see cref="CheckSettings"/>: model
/// args and every task's generation settings, through the backend's factory, all problems in one error); then each
/// task's dataset columns (the first document is rendered, so a file of another dataset fails here, not mid-run), its
/// document counts, the backend's preflight of every document to run (e.g. replay responses), and a writable output.
/// </summary>
public static class RunPlanner
{
    /// <summary>
    /// The backend's settings, checked by its factory: unknown or bad <c>--model-args</c>, and each task's merged
    /// generation settings (<see cref="GenerationKwargsFor"/>). Every problem is one line of one <see cref="ConfigException"/>.
    /// Returns each task's generation settings.
    /// </summary>
    public static IReadOnlyList<GenerationKwargs> CheckSettings(IModelBackendFactory factory, ModelArgs args, IReadOnlyList<TaskDefinition> tasks, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        void Collect(Action check)
        {
            try
            {
                check();
            }
            catch (ConfigException e)
            {
                errors.Add(e.Message);
            }
            catch (GenerationKwargsException e)
            {
                errors.Add(e.Message + " Fix the value and run again.");
            }
            catch (BackendSettingException e)
            {
                errors.Add(e.Message);
            }
        }

        Collect(() => BackendRegistry.CheckArgs(factory, args));
        Collect(() => factory.Validate(args));
        var cliKeys = KeyValueList.Parse(config.GenKwargs, "--gen-kwargs").Keys.ToHashSet(StringComparer.Ordinal);
        var promptModel = factory.PromptModel(args);
        var all = new List<GenerationKwargs>();
        foreach (var task in tasks)
        {
            var genKwargs = GenerationKwargsFor(task, config, promptModel);
            all.Add(genKwargs);
            Collect(() => factory.ValidateGenerationKwargs(genKwargs, key => cliKeys.Contains(key)
                ? "from --gen-kwargs"
                : $"from generation_kwargs of task '{task.Name}' in {task.Spec.SourceFile}"));
        }

        // A bad --gen-kwargs value is the same line for every task: said once.
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch
        {
            0 => all,
            1 => throw new ConfigException(distinct[0]),
            _ => throw new ConfigException($"{distinct.Count} settings are not valid:\n  " + string.Join("\n  ", distinct)),
        };
    }

    /// <summary>
    /// The task's generation_kwargs, then model_specific_generation_kwargs, then <c>--gen-kwargs</c> over all
    /// (lmms-eval 75571cf api/task.py; docs/LMMS-EVAL.md "Generation settings").
    /// </summary>
    public static GenerationKwargs GenerationKwargsFor(TaskDefinition task, RunConfig config, string modelName)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(config);
        var merged = PromptKwargsResolver.GenerationKwargs(task.Spec, modelName)
            .Where(kv => kv.Value is not null)
            .ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
        foreach (var (key, value) in KeyValueList.Parse(config.GenKwargs, "--gen-kwargs"))
        {
            merged = merged.SetItem(key, KeyValueList.Typed(value));
        }

        return new GenerationKwargs(merged);
    }

    public static IReadOnlyList<TaskPlan> Plan(
        TaskDocuments documents,
        IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> located,
        IReadOnlyList<GenerationKwargs> genKwargs,
        RunRequest request,
        IModelBackend backend)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(located);
        ArgumentNullException.ThrowIfNull(genKwargs);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        var config = request.Config;
        var plans = new List<TaskPlan>();
        for (var i = 0; i < located.Count; i++)
        {
            var (task, data, fingerprint) = located[i];
            CheckColumns(documents, task, data);
            var original = documents.Count(task, data);
            var effective = TaskDocuments.Effective(original, config.Limit);
            var mine = Enumerable.Range(0, effective).Where(config.Shard.Owns).ToList();
            var done = request.Resume ? SampleJournal.Read(ResultsWriter.JournalPath(request.RunDirectory, task.Name)) : [];
            // A served model's failed request was journaled unscored with no answer: it is asked again (issue 25).
            var todo = mine.Where(id => !done.TryGetValue(id, out var e) || Metrics.RecordStatus.EntryNeedsRequest(e)).ToHashSet();
            if (backend is IRequestPreflight preflight)
            {
                // Once per run, here: the runner does not check again.
                preflight.CheckKnown(new TaskName(task.Name), original);
                if (todo.Count > 0)
                {
                    preflight.Check(new TaskName(task.Name), [.. todo.Order().Select(id => new DocId(id))]);
                }
            }

            plans.Add(new TaskPlan(task, data, fingerprint, original, effective, mine, genKwargs[i]) { Todo = todo });
        }

        if (!request.Resume)
        {
            ThrowIfHoldsRun(request.RunDirectory);
            CheckWritable(request.RunDirectory);
        }

        return plans;
    }

    /// <summary>
    /// Renders the split's first document (text, visual references, target): a column the task reads and the file
    /// lacks is reported here, with the dataset the task expects. Missing media is not checked here (it is per sample,
    /// and skippable).
    /// </summary>
    private static void CheckColumns(TaskDocuments documents, TaskDefinition task, DatasetLocation data)
    {
        var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, "default");
        try
        {
            foreach (var (_, doc) in documents.Read(task, data, CancellationToken.None).Take(1))
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

    /// <summary>
    /// A new run never overwrites a file it did not write (issue 23 §2): any file a run writes already there (not only
    /// a manifest: a report.md or timing.json of something else too) means the folder is taken.
    /// </summary>
    public static void ThrowIfHoldsRun(string runDirectory)
    {
        if (RunFiles.FirstExisting(runDirectory) is { } existing)
        {
            throw new ConfigException($"{runDirectory} already holds a run ({Path.GetFileName(existing)} is there). Use --resume {runDirectory} to continue it, or choose another --run-id; a new run never overwrites files it did not write.");
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
