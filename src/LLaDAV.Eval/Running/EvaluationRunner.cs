using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>What to run and where: the effective config, the run directory, and whether to continue it.</summary>
public sealed record RunRequest(RunConfig Config, string RunDirectory, bool Resume, string RepositoryRoot);

/// <summary>The finished run: its directory and the results file's content.</summary>
public sealed record RunOutcome(string RunDirectory, JsonObject Results, JsonObject Timing)
{
    /// <summary>The typed results both our files and lmms-eval's are written from.</summary>
    public RunResults Model { get; init; } = new([]);
}

/// <summary>
/// The evaluation loop (docs/ARCHITECTURE.md "From run to results.json"; lmms-eval 75571cf evaluator.py <c>evaluate</c>): docs → requests →
/// model → filters → <c>process_results</c> → journal; then aggregation into the run directory's result files.
/// Per-doc seeds, strided shards and the append-only journal make results independent of batch size, shard count
/// and interruptions.
/// </summary>
public sealed class EvaluationRunner(TaskCatalog catalog, BackendRegistry backends, IReadOnlyList<IDatasetFileReader> readers, IRunObserver observer)
{
    /// <summary>Fault injection for resume tests: the process kills itself after this many journaled samples.</summary>
    public const string FaultAfterSamplesVariable = "LLADAV_EVAL_FAULT_AFTER_SAMPLES";

    private readonly TaskDocuments _documents = new(readers);

    private int _journaledThisProcess;

    public async Task<RunOutcome> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var config = request.Config;
        var tasks = catalog.Expand(config.Tasks);
        var factory = backends.Get(config.Model);
        var modelArgs = new ModelArgs(KeyValueList.Parse(config.ModelArgs, "--model-args"));

        // The backend's settings, all at once, before any data is located or any model loads.
        var genKwargs = RunPlanner.CheckSettings(factory, modelArgs, tasks, config);
        var mayUseSample = factory.MayUseSampleData(modelArgs);
        var locator = DatasetLocator.ForRun(config.DataDir, readers, mayUseSample);
        if (!mayUseSample && config.DataDir is null)
        {
            // A real checkpoint or served model fetches missing datasets as lmms-eval's load_dataset does (issue 30);
            // the demo and replay keep the embedded samples, so the README's first run never touches the network.
            await DatasetPull.EnsureAsync([.. tasks], locator, () => Data.Hub.HubSettings.FromEnvironment(), new DownloadReporter(observer), cancellationToken).ConfigureAwait(false);
        }

        var located = tasks.Select(t =>
        {
            var data = locator.Locate(t.Spec);
            RequireRegularFiles(data);
            return (Task: t, Data: data, Fingerprint: data.Fingerprint());
        }).ToList();

        using var backend = factory.Create(modelArgs, new BackendContext(config.Device, config.BatchSize, request.RepositoryRoot));
        var model = new JsonObject { ["name"] = config.Model, ["prompt_model"] = backend.Name, ["fingerprint"] = backend.Fingerprint };
        if (backend.Device is { } device)
        {
            observer.DeviceOpened(device);
        }

        // Everything checkable is checked before the run directory exists (issue 14 §2); then one writer holds it (§1).
        var plans = RunPlanner.Plan(_documents, located, genKwargs, request, backend);
        ExtractMedia(located, cancellationToken);
        using var directoryLock = Io.RunDirectoryLock.Acquire(request.RunDirectory, create: !request.Resume);
        ActiveRun.Set(request.RunDirectory);
        var manifest = PrepareRunDirectory(request, model, located, backend.Device);
        observer.RunStarted(request.RunDirectory, request.Resume);

        Directory.CreateDirectory(Path.Combine(request.RunDirectory, "journal"));
        using var judge = config.Judge is { } j
            ? new Judging.OpenAiCompatibleJudge(
                new Judging.JudgeOptions(new Uri(j.Url), j.Model, j.ApiKeyEnvironmentVariable, j.CacheDirectory ?? Judging.JudgeOptions.DefaultCacheDirectory())
                {
                    Timeout = j.Timeout,
                    MaxAttempts = j.MaxAttempts,
                    BreakerThreshold = j.BreakerThreshold,
                },
                events: observer.Judge)
            : null;
        try
        {
            foreach (var plan in plans)
            {
                await RunTaskAsync(plan, config, backend, judge, request.RunDirectory, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw RunInterruptedException.Count(request.RunDirectory, plans, e);
        }

        if (judge is not null)
        {
            // Judge traffic (requests, cache hits, failures) differs between identical runs, so it sits beside the results.
            JsonOutput.WriteFile(Path.Combine(request.RunDirectory, "judge.json"), judge.ToManifest());
        }

        return ResultsWriter.Write(request.RunDirectory, manifest, tasks, catalog);
    }

    /// <summary>
    /// Unpacks the media archives of video tasks read from a hub cache snapshot into <c>$HF_HOME/&lt;cache_dir&gt;</c>, as
    /// lmms-eval does on first use (<see cref="Data.Hub.MediaArchives"/>); samples and <c>--data-dir</c> copies keep theirs.
    /// </summary>
    private void ExtractMedia(IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> located, CancellationToken ct)
    {
        var hfHome = DatasetLocator.DefaultHfHome();
        foreach (var (task, data, _) in located)
        {
            if (data.Source == DatasetSource.Real && data.Commit is not null && Data.Hub.MediaArchives.Target(task.Spec, hfHome) is { } target)
            {
                var link = task.Spec.DatasetKwargs.GetValueOrDefault("create_link") is true;
                Data.Hub.MediaArchives.Ensure(task.Name, data.Root, target, link, new Reporter(observer), ct);
            }
        }
    }

    /// <summary>A split file that is a FIFO or a device would block or never end in the fingerprint's read (issue 23 §3).</summary>
    internal static void RequireRegularFiles(DatasetLocation data)
    {
        foreach (var file in data.Files)
        {
            try
            {
                _ = Media.BoundedFile.RequireRegular(file, "dataset file");
            }
            catch (Media.InputLimitException e)
            {
                throw new DataException(e.Message, e);
            }
        }
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class Reporter(IRunObserver observer) : IProgress<Data.Hub.ExtractionProgress>
    {
        public void Report(Data.Hub.ExtractionProgress value) => observer.MediaExtraction(value);
    }

    private sealed class DownloadReporter(IRunObserver observer) : IProgress<Data.Hub.HubTransferProgress>
    {
        public void Report(Data.Hub.HubTransferProgress value) => observer.Download(value);
    }

    private JsonObject PrepareRunDirectory(RunRequest request, JsonObject model, IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> located, ComputeDeviceInfo? device)
    {
        var tasks = RunManifest.Tasks(located);
        var path = Path.Combine(request.RunDirectory, RunManifest.FileName);
        if (request.Resume)
        {
            var existing = RunManifest.Read(request.RunDirectory);
            var candidate = new JsonObject { ["config"] = RunManifest.Config(request.Config), ["model"] = model.DeepClone(), ["tasks"] = tasks.DeepClone() };
            var diff = RunManifest.Diff(existing, candidate);
            var shard = (string?)existing["shard"];
            if (shard != request.Config.Shard.ToString())
            {
                diff = [.. diff, $"shard: {shard} -> {request.Config.Shard}"];
            }

            if (diff.Count > 0)
            {
                throw new ConfigException(
                    $"Cannot resume {request.RunDirectory}: the effective configuration or data differs from the run's manifest:\n  " + string.Join("\n  ", diff) +
                    "\nResume with the same flags and data, or start a new run.");
            }

            // the resumed part may run on another device: the manifest names the latest (timing.json reads it)
            if (device is not null && RunManifest.Device(existing) != device)
            {
                RunManifest.SetDevice(existing, device);
                JsonOutput.WriteFile(path, existing);
            }

            return existing;
        }

        RunPlanner.ThrowIfHoldsRun(request.RunDirectory);

        Directory.CreateDirectory(request.RunDirectory);
        var manifest = RunManifest.Create(request.Config, request.Config.Shard, model, tasks, located, ToolInfo.GitCommit(request.RepositoryRoot));
        RunManifest.SetDevice(manifest, device);
        JsonOutput.WriteFile(path, manifest);
        return manifest;
    }

    private async Task RunTaskAsync(TaskPlan plan, RunConfig config, IModelBackend backend, Tasks.Hooks.IAnswerJudge? judge, string runDirectory, CancellationToken ct)
    {
        var (task, data, _, original, effective, mine, genKwargs) = plan;
        var planned = plan.Todo;
        var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, backend.Name);
        var tags = task.Spec.ReasoningTags ?? config.ReasoningTags;

        JsonOutput.WriteFile(ResultsWriter.CountsPath(runDirectory, task.Name), new JsonObject { ["original"] = original, ["effective"] = effective });
        using var journal = SampleJournal.Open(ResultsWriter.JournalPath(runDirectory, task.Name));

        // Samples the judge could not score were journaled as unscored (issue 14 §3); they are re-scored from their
        // journaled response (the model is not run again: its answer is already recorded and deterministic).
        var rescore = mine.Where(id => journal.Entries.TryGetValue(id, out var e) && Metrics.RecordStatus.EntryNeedsJudge(e) && !Metrics.RecordStatus.EntryNeedsRequest(e)).ToHashSet();

        // The planner ran the backend's preflight on these documents; the journal is the planner's, read again under the
        // lock. Samples whose model request failed (a served model) were journaled unscored with no answer: asked again.
        var todo = planned.Where(id => !journal.Entries.TryGetValue(id, out var e) || Metrics.RecordStatus.EntryNeedsRequest(e)).ToHashSet();
        observer.TaskStarted(task.Name, mine.Count, mine.Count - todo.Count - rescore.Count, data);

        var scorer = new SampleScorer(task, config, tags, judge, kwargs);
        var prefetchBatches = config.Get(RunSettingTable.MediaPrefetch);
        var prefetch = prefetchBatches > 0 ? backend as IMediaPrefetch : null;
        // Work in document order: a re-score, or a batch whose requests are built (and media prefetch started) when
        // it is queued. Up to prefetchBatches batches wait beyond the one the model runs.
        var pending = new Queue<(int Id, Doc Doc, List<GenerationRequest>? Batch, List<(int Id, Doc Doc)>? Docs)>();
        var queuedBatches = 0;
        var batch = new List<(int Id, Doc Doc)>(config.BatchSize);
        using var docs = _documents.Read(task, data, ct).Take(effective).GetEnumerator();
        var exhausted = false;
        void Enqueue()
        {
            var requests = Requests(task, batch, kwargs, genKwargs, config);
            if (prefetch is not null)
            {
                requests = [.. requests.Select(r => r with { Media = Task.Run(() => prefetch.PrepareMedia(r)) })];
            }

            pending.Enqueue((0, default!, requests, [.. batch]));
            queuedBatches++;
            batch.Clear();
        }

        while (true)
        {
            while (!exhausted && queuedBatches <= (prefetch is null ? 0 : prefetchBatches))
            {
                if (!docs.MoveNext())
                {
                    exhausted = true;
                    if (batch.Count > 0)
                    {
                        Enqueue();
                    }

                    break;
                }

                var (id, doc) = docs.Current;
                if (rescore.Contains(id))
                {
                    pending.Enqueue((id, doc, null, null));
                }
                else if (todo.Contains(id))
                {
                    batch.Add((id, doc));
                    if (batch.Count == config.BatchSize)
                    {
                        Enqueue();
                    }
                }
            }

            if (!pending.TryDequeue(out var item))
            {
                break;
            }

            if (item.Batch is null)
            {
                Rescore(task, item.Id, item.Doc, kwargs, scorer, journal);
                continue;
            }

            queuedBatches--;
            await RunBatchAsync(task, item.Docs!, item.Batch, config, backend, scorer, journal, ct).ConfigureAwait(false);
        }

        observer.TaskFinished(task.Name);
    }

    private static List<GenerationRequest> Requests(TaskDefinition task, List<(int Id, Doc Doc)> batch, Tasks.Hooks.PromptKwargs kwargs, GenerationKwargs genKwargs, RunConfig config) =>
        [.. batch.Select(b => new GenerationRequest(
            new TaskName(task.Name),
            new DocId(b.Id),
            task.DocToText(b.Doc, kwargs),
            genKwargs,
            () => VisualResolver.Resolve(task.DocToVisual(b.Doc, kwargs)),
            DocRandom.DocSeed(config.Seed, task.Name, b.Id)) { Layout = task.MessageLayout })];

    private async Task RunBatchAsync(
        TaskDefinition task,
        List<(int Id, Doc Doc)> batch,
        List<GenerationRequest> requests,
        RunConfig config,
        IModelBackend backend,
        SampleScorer scorer,
        SampleJournal journal,
        CancellationToken ct)
    {
        // A signal stops the run here or inside the batch (the model checks the token before every forward pass and
        // while it waits for prefetched media), never after the batch's answers: Slurm's SIGKILL follows its SIGTERM
        // after KillWait (30 s by default), and a worker that finished a last batch first would write results.json
        // for a task Slurm reports CANCELLED. Every finished sample is already in the journal.
        ct.ThrowIfCancellationRequested();
        IReadOnlyList<GenerationResult?> results;
        try
        {
            results = await backend.GenerateAsync(requests, ct).ConfigureAwait(false);
        }
        catch (MissingMediaException) when (config.SkipMissingMedia)
        {
            // One missing file must not sink its batch-mates: retry them one at a time, recording the missing ones.
            results = await OneByOneAsync(backend, requests, ct).ConfigureAwait(false);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var (id, doc) = batch[i];
            var entry = scorer.Score(id, doc, requests[i].Context, results[i]);
            journal.Append(entry);
            var usage = results[i]?.Usage ?? TokenUsage.None;
            observer.SamplesFinished(task.Name, 1, usage, results[i]?.Elapsed ?? TimeSpan.Zero);
            InjectFaultIfAsked();
        }
    }

    /// <summary>
    /// Scores a journaled response again (its judge failed before): the same text, usage and elapsed time as
    /// journaled, so the new entry is what an uninterrupted run with a working judge would have written.
    /// </summary>
    private void Rescore(TaskDefinition task, int id, Doc doc, Tasks.Hooks.PromptKwargs kwargs, SampleScorer scorer, SampleJournal journal)
    {
        var old = journal.Entries[id];
        var text = (string?)old["records"]?[0]?["resps"]?[0]
            ?? throw new DataException($"{journal.Path}: doc_id {id} is marked for re-scoring but has no journaled response; remove its line to run it again.");
        var u = old["usage"]!;
        var usage = new TokenUsage((int)u["prompt_tokens"]!, (int)u["visual_tokens"]!, (int)u["generated_tokens"]!, (int)u["forward_passes"]!);
        var result = new GenerationResult(text, usage, TimeSpan.FromMilliseconds((double)old["elapsed_ms"]!))
        {
            MediaWait = TimeSpan.FromMilliseconds((double?)old["media_wait_ms"] ?? 0),
        };
        journal.Append(scorer.Score(id, doc, task.DocToText(doc, kwargs), result));
        observer.SamplesFinished(task.Name, 1, TokenUsage.None, TimeSpan.Zero);
        InjectFaultIfAsked();
    }

    private static async Task<IReadOnlyList<GenerationResult?>> OneByOneAsync(IModelBackend backend, List<GenerationRequest> requests, CancellationToken ct)
    {
        var results = new List<GenerationResult?>();
        foreach (var request in requests)
        {
            try
            {
                results.Add((await backend.GenerateAsync([request], ct).ConfigureAwait(false))[0]);
            }
            catch (MissingMediaException)
            {
                results.Add(null);
            }
        }

        return results;
    }

    private void InjectFaultIfAsked()
    {
        _journaledThisProcess++;
        if (int.TryParse(Environment.GetEnvironmentVariable(FaultAfterSamplesVariable), out var after) && _journaledThisProcess >= after)
        {
            // As abrupt as `kill -9`: no finally blocks, no flushing beyond what the journal already did.
            Process.GetCurrentProcess().Kill();
        }
    }
}
