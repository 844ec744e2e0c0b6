using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Scaling;

/// <summary>What <c>launch</c> runs: the shard set, the workers and how each shard's process is started.</summary>
public sealed record LaunchRequest(
    string Root,
    ShardPlan Plan,
    IReadOnlyList<TaskWork> Work,
    ImmutableArray<string> RunArgs,
    int Workers,
    ImmutableArray<string> Gpus,
    ImmutableArray<string> Tool,
    int MaxRetries,
    TimeSpan ProgressInterval);

/// <summary>One shard's run on one worker slot (seconds since the launch started).</summary>
public sealed record ShardSpan(int Shard, int Slot, int Attempts, double Start, double End, bool Finished);

/// <summary>How the launch ended: which shards failed, whether it was stopped, and when each slot ran out of work.</summary>
public sealed record LaunchOutcome(ImmutableArray<int> Failed, bool Cancelled, ImmutableArray<ShardSpan> Spans, ImmutableArray<double> SlotEnds, double Makespan)
{
    /// <summary>Worker-seconds spent idle after a slot found no more shards while others still ran.</summary>
    public double IdleTail => SlotEnds.Sum(e => Makespan - e);

    public double IdleShare => Makespan <= 0 || SlotEnds.Length == 0 ? 0 : IdleTail / (SlotEnds.Length * Makespan);
}

/// <summary>
/// <c>lladav-eval launch</c>'s worker pool (docs/ARCHITECTURE.md §8): W slots (one per GPU, pinned with CUDA_VISIBLE_DEVICES,
/// or W CPU workers); each slot takes the next shard of the longest-first order and runs it as an ordinary
/// <c>run --shard K/N --run-dir shards/K-of-N</c> process, so the process is the only writer of its shard directory.
/// A worker that dies is reported with its log's tail and started again with <c>run --resume</c> (its journal keeps
/// every finished sample) up to MaxRetries times; cancelling stops every worker with SIGINT, then SIGKILL after a
/// grace period, and leaves each shard resumable.
/// </summary>
public sealed class ShardLauncher(LaunchRequest request, TextWriter output)
{
    /// <summary>How long a worker asked to stop may take before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private const int LogTailLines = 15;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Dictionary<int, JsonObject> _workerState = [];
    private readonly ConcurrentDictionary<int, Process> _running = new();

    public async Task<LaunchOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var n = request.Plan.Count;
        var queue = new ConcurrentQueue<int>(request.Plan.Order.Where(k => !ScaleLayout.ShardFinished(request.Root, k, n)));
        foreach (var k in request.Plan.Order)
        {
            SetState(k, ScaleLayout.ShardFinished(request.Root, k, n) ? "done" : "pending", null, 0, null);
        }

        var already = n - queue.Count;
        await WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"launch: {n} shards on {request.Workers} worker{(request.Workers == 1 ? "" : "s")}{(request.Gpus.IsEmpty ? " (CPU)" : $" (GPUs {string.Join(",", request.Gpus)})")}, longest first{(already > 0 ? $"; {already} already finished" : "")}; logs in {Path.Combine(request.Root, "logs")}")).ConfigureAwait(false);

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ReportProgressAsync(stopProgress.Token);
        var failed = new ConcurrentBag<int>();
        var spans = new ConcurrentBag<ShardSpan>();
        var slotEnds = new double[request.Workers];
        using var stopping = cancellationToken.Register(StopAll);
        await Task.WhenAll(Enumerable.Range(0, request.Workers).Select(slot => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested && queue.TryDequeue(out var k))
            {
                var span = await RunShardAsync(slot, k, cancellationToken).ConfigureAwait(false);
                spans.Add(span);
                if (!span.Finished && !cancellationToken.IsCancellationRequested)
                {
                    failed.Add(k);
                }
            }

            slotEnds[slot] = _clock.Elapsed.TotalSeconds;
        }, CancellationToken.None))).ConfigureAwait(false);

        await stopProgress.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        await PrintProgressAsync().ConfigureAwait(false);
        var makespan = slotEnds.Length == 0 ? 0 : slotEnds.Max();
        var outcome = new LaunchOutcome([.. failed.Order()], cancellationToken.IsCancellationRequested, [.. spans.OrderBy(s => s.Start)], [.. slotEnds], makespan);
        WriteTimeline(outcome);
        return outcome;
    }

    private async Task<ShardSpan> RunShardAsync(int slot, int k, CancellationToken ct)
    {
        var n = request.Plan.Count;
        var dir = ScaleLayout.ShardDirectory(request.Root, k, n);
        var log = ScaleLayout.LogFile(request.Root, k, n);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var start = _clock.Elapsed.TotalSeconds;
        if (Running.Io.RunDirectoryLock.Holder(dir) is { } holder)
        {
            // A worker of an earlier launcher that was killed (kill -9 leaves its children running) still holds the
            // shard: a second worker would only fail on the lock and be reported FAILED (issue 23 §6). Follow it instead,
            // and take over only if it ends without finishing.
            await WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"launch: shard {k}/{n} is still being run by {holder} (a worker of an earlier launch); waiting for it instead of starting another.")).ConfigureAwait(false);
            SetState(k, "running", HolderPid(holder), 0, null, slot);
            while (!ct.IsCancellationRequested && Running.Io.RunDirectoryLock.Holder(dir) is not null)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (ScaleLayout.ShardFinished(request.Root, k, n) || ct.IsCancellationRequested)
            {
                var finished = ScaleLayout.ShardFinished(request.Root, k, n);
                SetState(k, finished ? "done" : "stopped", null, 0, finished ? 0 : null);
                return new ShardSpan(k, slot, 0, start, _clock.Elapsed.TotalSeconds, finished);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var resume = File.Exists(Path.Combine(dir, RunManifest.FileName));
            string[] args = resume
                ? ["run", "--resume", dir]
                : ["run", .. request.RunArgs, "--shard", string.Create(CultureInfo.InvariantCulture, $"{k}/{n}"), "--run-dir", dir];
            var code = await RunProcessAsync(slot, k, attempt, args, log, ct).ConfigureAwait(false);
            if (ct.IsCancellationRequested)
            {
                SetState(k, ScaleLayout.ShardFinished(request.Root, k, n) ? "done" : "stopped", null, attempt, code);
                return new ShardSpan(k, slot, attempt, start, _clock.Elapsed.TotalSeconds, ScaleLayout.ShardFinished(request.Root, k, n));
            }

            if (code == 0 && ScaleLayout.ShardFinished(request.Root, k, n))
            {
                SetState(k, "done", null, attempt, 0);
                return new ShardSpan(k, slot, attempt, start, _clock.Elapsed.TotalSeconds, true);
            }

            // Exit 2 is a usage error: the same flags fail the same way again, so it is not retried.
            var retry = code != 2 && attempt <= request.MaxRetries;
            var tail = Tail(log, LogTailLines);
            var next = retry
                ? string.Create(CultureInfo.InvariantCulture, $"launch: restarting shard {k}/{n} from its journal (attempt {attempt + 1} of {request.MaxRetries + 1}).")
                : string.Create(CultureInfo.InvariantCulture, $"launch: shard {k}/{n} FAILED after {attempt} attempt{(attempt == 1 ? "" : "s")}.");
            await WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"launch: worker for shard {k}/{n} (slot {slot}, attempt {attempt}) died: {Describe(code)}. Last lines of {log}:\n    {string.Join("\n    ", tail)}\n{next}")).ConfigureAwait(false);
            if (!retry)
            {
                SetState(k, "failed", null, attempt, code);
                return new ShardSpan(k, slot, attempt, start, _clock.Elapsed.TotalSeconds, false);
            }
        }
    }

    /// <summary>The pid of a lock holder line "pid 123 on host h since ...", or null.</summary>
    private static int? HolderPid(string holder)
    {
        var parts = holder.Split(' ');
        return parts.Length > 1 && parts[0] == "pid" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private async Task<int> RunProcessAsync(int slot, int k, int attempt, string[] args, string log, CancellationToken ct)
    {
        var start = new ProcessStartInfo(request.Tool[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in request.Tool.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        if (!request.Gpus.IsEmpty)
        {
            // The worker sees only its GPU, as device 0 (--device cuda), so every shard's manifest records the same device.
            start.Environment["CUDA_VISIBLE_DEVICES"] = request.Gpus[slot];
        }

        using var file = new StreamWriter(new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        var writeLock = new Lock();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (writeLock)
            {
                file.WriteLine(line);
            }
        }

        Write(string.Create(CultureInfo.InvariantCulture, $"== launch: shard {k}/{request.Plan.Count}, attempt {attempt}, slot {slot}{(request.Gpus.IsEmpty ? "" : $" (CUDA_VISIBLE_DEVICES={request.Gpus[slot]})")}, {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}: {string.Join(' ', args.Select(Errors.Redact.ModelArgs))}"));
        if (ct.IsCancellationRequested)
        {
            return 130;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {request.Tool[0]}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _running[k] = process;
        SetState(k, "running", process.Id, attempt, null, slot);
        if (ct.IsCancellationRequested)
        {
            StopAll();
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        _running.TryRemove(k, out _);
        Write(string.Create(CultureInfo.InvariantCulture, $"== launch: shard {k}/{request.Plan.Count} attempt {attempt} exited: {Describe(process.ExitCode)}"));
        return process.ExitCode;
    }

    /// <summary>
    /// SIGINT to every worker now; SIGKILL to those still there after <see cref="StopGrace"/>. It blocks until they
    /// are gone: it runs inside the cancellation (Ctrl-C) so the launcher does not exit while workers still write.
    /// </summary>
    private void StopAll()
    {
        foreach (var p in _running.Values)
        {
            try
            {
                PosixSignals.Send(p.Id, PosixSignals.SigInt);
            }
            catch (InvalidOperationException)
            {
            }
        }

        var deadline = Stopwatch.StartNew();
        while (_running.Values.Any(Alive) && deadline.Elapsed < StopGrace)
        {
            Thread.Sleep(100);
        }

        foreach (var p in _running.Values.Where(Alive))
        {
            try
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static bool Alive(Process p)
    {
        try
        {
            return !p.HasExited;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task ReportProgressAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(request.ProgressInterval, ct).ConfigureAwait(false);
                await PrintProgressAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private ShardProgress? _progress;
    private long _tokensAtStart = -1;

    private async Task PrintProgressAsync()
    {
        _progress ??= new ShardProgress(request.Root, request.Plan.Count, request.Work);
        var rows = _progress.Read();
        await WriteLineAsync(FormatProgress(rows)).ConfigureAwait(false);
    }

    /// <summary>Docs done per task and in total, tok/s since the launch started, and ETAs from each task's model time per doc.</summary>
    internal string FormatProgress(IReadOnlyList<TaskProgress> rows)
    {
        var elapsed = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        var tokens = rows.Sum(r => r.GeneratedTokens);
        if (_tokensAtStart < 0)
        {
            _tokensAtStart = tokens;
        }

        // Model seconds per unit of estimated cost, from the docs finished so far: prices tasks not started yet.
        var doneCost = rows.Zip(request.Work).Sum(p => p.First.Done * p.Second.CostPerDoc);
        var secondsPerCost = doneCost > 0 ? rows.Sum(r => r.ModelSeconds) / doneCost : double.NaN;
        double Eta(TaskProgress r, TaskWork w) =>
            (r.Done > 0 ? r.ModelSeconds / r.Done : secondsPerCost * w.CostPerDoc) * (r.Total - r.Done) / request.Workers;
        // A task's own ETA only once one of its docs is done: before that it would be a guess from other tasks' speed,
        // shown as if measured. The total still prices unstarted tasks by their cost (it is an estimate either way).
        var parts = rows.Zip(request.Work).Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.First.Task} {p.First.Done}/{p.First.Total}{(p.First.Done > 0 && p.First.Done < p.First.Total ? $" ETA {EtaText.Format(Eta(p.First, p.Second))}" : "")}"));
        var totalDone = rows.Sum(r => r.Done);
        var total = rows.Sum(r => r.Total);
        var eta = rows.Zip(request.Work).Sum(p => Eta(p.First, p.Second));
        int running;
        lock (_gate)
        {
            running = _workerState.Values.Count(s => (string?)s["state"] == "running");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"progress: {string.Join(", ", parts)} | total {totalDone}/{total} docs, {(tokens - _tokensAtStart) / elapsed:F1} tok/s, ETA {(totalDone < total ? EtaText.Format(eta) : EtaText.Format(0))} | {running} worker{(running == 1 ? "" : "s")} running");
    }

    /// <summary>An exit status in words: .NET reports a child killed by signal S as 128 + S.</summary>
    internal static string Describe(int code) => code switch
    {
        0 => "exit 0 but no results.json",
        137 => "killed by SIGKILL (exit 137; out of memory, or killed)",
        139 => "crashed with SIGSEGV (exit 139)",
        134 => "aborted (SIGABRT, exit 134)",
        143 => "terminated by SIGTERM (exit 143)",
        130 => "interrupted (SIGINT, exit 130)",
        _ => string.Create(CultureInfo.InvariantCulture, $"exit {code}"),
    };

    internal static IReadOnlyList<string> Tail(string path, int lines)
    {
        if (!File.Exists(path))
        {
            return ["(no log)"];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = stream.Length;
        var take = (int)Math.Min(length, 64 * 1024);
        stream.Seek(length - take, SeekOrigin.Begin);
        var buffer = new byte[take];
        stream.ReadExactly(buffer);
        var all = Encoding.UTF8.GetString(buffer).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return all.Length <= lines ? all : all[^lines..];
    }

    private void SetState(int k, string state, int? pid, int attempt, int? exitCode, int? slot = null)
    {
        lock (_gate)
        {
            _workerState[k] = new JsonObject
            {
                ["state"] = state,
                ["pid"] = pid,
                ["attempt"] = attempt,
                ["slot"] = slot,
                ["exit_code"] = exitCode,
            };
            var json = new JsonObject
            {
                ["launcher_pid"] = Environment.ProcessId,
                ["shards"] = new JsonObject(_workerState.OrderBy(kv => kv.Key).Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)kv.Value.DeepClone()))),
            };
            ScaleLayout.WriteAtomically(ScaleLayout.WorkersPath(request.Root), json.ToJsonString(JsonOutput.Indented) + "\n");
        }
    }

    private void WriteTimeline(LaunchOutcome outcome)
    {
        var json = new JsonObject
        {
            ["workers"] = request.Workers,
            ["shards"] = request.Plan.Count,
            ["makespan_seconds"] = Math.Round(outcome.Makespan, 3),
            ["idle_tail_worker_seconds"] = Math.Round(outcome.IdleTail, 3),
            ["idle_tail_share"] = Math.Round(outcome.IdleShare, 4),
            ["slot_end_seconds"] = new JsonArray([.. outcome.SlotEnds.Select(e => (JsonNode?)JsonValue.Create(Math.Round(e, 3)))]),
            ["spans"] = new JsonArray([.. outcome.Spans.Select(s => (JsonNode?)new JsonObject
            {
                ["shard"] = s.Shard,
                ["slot"] = s.Slot,
                ["attempts"] = s.Attempts,
                ["estimated_cost"] = request.Plan.Costs[s.Shard],
                ["start"] = Math.Round(s.Start, 3),
                ["end"] = Math.Round(s.End, 3),
                ["finished"] = s.Finished,
            })]),
        };
        ScaleLayout.WriteAtomically(Path.Combine(request.Root, "logs", "timeline.json"), json.ToJsonString(JsonOutput.Indented) + "\n");
    }

    private async Task WriteLineAsync(string line)
    {
        // Slots report from several threads; one line at a time.
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
