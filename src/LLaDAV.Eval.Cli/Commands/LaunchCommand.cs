using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval launch --gpus 0,1,2,3 | --workers N [run flags]</c>: every GPU (or N CPU workers) of one node on one
/// run (docs/ARCHITECTURE.md §8): shards K/N as ordinary <c>run</c> processes, one combined progress view, restarts of dead
/// workers from their journals, and a merge into the run directory a single process would have written.
/// </summary>
internal static class LaunchCommand
{
    private static readonly Option<string?> s_gpus = new("--gpus") { Description = "GPUs to use, one worker each, e.g. 0,1,2,3 (each worker sees only its GPU: CUDA_VISIBLE_DEVICES, --device cuda)." };
    private static readonly Option<int?> s_workers = new("--workers") { Description = "Number of worker processes (CPU runs; with --gpus it must equal the GPU count)." };
    private static readonly Option<int> s_perWorker = new("--shards-per-worker") { Description = "Shards per worker (N = this × workers, capped at the largest task's doc count), handed out longest-first so no worker idles long at the end.", DefaultValueFactory = _ => 2 };
    private static readonly Option<int> s_retries = new("--max-retries") { Description = "Restarts of a shard whose worker died (each resumes from the shard's journal).", DefaultValueFactory = _ => 2 };
    private static readonly Option<double> s_every = new("--progress-every") { Description = "Seconds between progress lines.", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> s_resume = new("--resume") { Description = "Continue a launched run in this run root (finished shards are kept, the others resume from their journals)." };

    public static Command Create()
    {
        var command = new Command("launch", "Run shards of one evaluation on every GPU of this node (or N CPU workers), restart dead workers, merge at the end. Other flags are run's.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var o in new Option[] { s_gpus, s_workers, s_perWorker, s_retries, s_every, s_resume, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, output => RunAsync(parse, output, parse.InvocationConfiguration.Error, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var started = ToolInfo.Now();
        var startTime = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        var tokens = parse.UnmatchedTokens.ToList();
        var gpus = parse.GetValue(s_gpus) is { } g ? g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray() : [];
        var workers = parse.GetValue(s_workers);
        if (gpus.Any(x => !x.All(char.IsAsciiDigit)) || gpus.Distinct().Count() != gpus.Length)
        {
            throw new ConfigException($"--gpus '{parse.GetValue(s_gpus)}' must list distinct GPU indexes, e.g. --gpus 0,1,2,3.");
        }

        if (!gpus.IsEmpty && workers is { } w && w != gpus.Length)
        {
            throw new ConfigException($"--workers {w} with --gpus {string.Join(",", gpus)}: one worker runs per GPU; drop --workers or list {w} GPUs.");
        }

        if (workers is < 1)
        {
            throw new ConfigException($"--workers {workers} must be at least 1.");
        }

        var count = gpus.IsEmpty ? workers : gpus.Length;
        if (parse.GetValue(s_perWorker) < 1 || parse.GetValue(s_retries) < 0 || parse.GetValue(s_every) <= 0)
        {
            throw new ConfigException("--shards-per-worker must be at least 1, --max-retries at least 0 and --progress-every above 0.");
        }

        string runRoot;
        ForwardedRun forwarded;
        ShardPlan plan;
        IReadOnlyList<TaskWork> work;
        if (parse.GetValue(s_resume) is { } resume)
        {
            runRoot = Path.GetFullPath(resume);
            if (tokens.Count > 0)
            {
                throw new ConfigException($"launch --resume takes no run flags (the run's flags are in {ScaleLayout.PlanPath(runRoot)}); got: {string.Join(' ', tokens)}.");
            }

            var saved = ScalePlanFile.Read(runRoot);
            if (ScaleLayout.Merged(runRoot))
            {
                await output.WriteLineAsync($"launch: {runRoot} is already merged; nothing to do.").ConfigureAwait(false);
                return 0;
            }

            if (count is null)
            {
                throw new ConfigException($"launch --resume {runRoot} needs --gpus 0,1,... or --workers N again (the shards are fixed; the workers may change).");
            }

            // The saved flags may hold paths relative to where the run was started; the workers start there too.
            if (Directory.Exists(saved.WorkingDirectory) && Directory.GetCurrentDirectory() != saved.WorkingDirectory)
            {
                Directory.SetCurrentDirectory(saved.WorkingDirectory);
            }

            forwarded = ForwardedRun.Parse(saved.RunArgs, "launch");
            work = forwarded.Work();
            plan = ShardPlanner.ForCount(work, saved.Shards);
        }
        else
        {
            if (count is null)
            {
                throw new ConfigException("launch needs --gpus 0,1,... (one worker per GPU) or --workers N (CPU).");
            }

            if (!gpus.IsEmpty)
            {
                var device = tokens.FindIndex(t => t == "--device" || t.StartsWith("--device=", StringComparison.Ordinal));
                var value = device < 0 ? null : tokens[device].Contains('=', StringComparison.Ordinal) ? tokens[device].Split('=', 2)[1] : tokens.ElementAtOrDefault(device + 1);
                if (value is not null && value != "cuda")
                {
                    throw new ConfigException($"--gpus pins each worker to one GPU (CUDA_VISIBLE_DEVICES) and runs it with --device cuda; drop --device {value}.");
                }

                if (value is null)
                {
                    tokens.AddRange(["--device", "cuda"]);
                }
            }

            forwarded = ForwardedRun.Parse(tokens, "launch");
            runRoot = forwarded.RunRoot;
            if (RunFiles.FirstExisting(runRoot) is { } existing)
            {
                throw new ConfigException($"{runRoot} already holds a run ({Path.GetFileName(existing)} is there). Continue it with 'lladav-eval launch --resume {runRoot}', or choose another --run-id.");
            }

            work = forwarded.Work();
            plan = ShardPlanner.Plan(work, count.Value, parse.GetValue(s_perWorker));
            Directory.CreateDirectory(runRoot);
            new ScalePlanFile(ScalePlanFile.LaunchEngine, plan.Count, plan.Order, forwarded.Tokens, Directory.GetCurrentDirectory()).Write(runRoot);
        }

        var request = new LaunchRequest(runRoot, plan, work, forwarded.Tokens, Math.Min(count!.Value, plan.Count), gpus, ForwardedRun.ToolCommand(), parse.GetValue(s_retries), TimeSpan.FromSeconds(parse.GetValue(s_every)));
        // Ctrl-C (SIGINT) and SIGTERM stop the workers and leave a resumable run, instead of the runtime's default of
        // ending the launcher at once with its workers left running unsupervised.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(System.Runtime.InteropServices.PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
        var outcome = await new ShardLauncher(request, output).RunAsync(stop.Token).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"launch: workers ran {outcome.Makespan:F1} s; idle tail {outcome.IdleTail:F1} worker-s ({outcome.IdleShare:P1} of {request.Workers} × {outcome.Makespan:F1} s); timeline in {Path.Combine(runRoot, "logs", "timeline.json")}")).ConfigureAwait(false);
        if (outcome.Cancelled)
        {
            var done = Enumerable.Range(0, plan.Count).Count(k => ScaleLayout.ShardFinished(runRoot, k, plan.Count));
            await error.WriteLineAsync($"Stopped: {done} of {plan.Count} shards finished; the others keep every finished sample in their journals. Continue with: lladav-eval launch --resume {runRoot}").ConfigureAwait(false);
            return 130;
        }

        if (!outcome.Failed.IsEmpty)
        {
            throw new DataException(
                $"{outcome.Failed.Length} of {plan.Count} shards failed ({string.Join(", ", outcome.Failed.Select(k => $"{k}/{plan.Count}"))}); their logs: " +
                string.Join(", ", outcome.Failed.Select(k => ScaleLayout.LogFile(runRoot, k, plan.Count))) +
                $". The other shards are finished; fix the cause and continue with 'lladav-eval launch --resume {runRoot}'.");
        }

        var clock = Stopwatch.StartNew();
        var merged = ShardMerger.Merge([.. Enumerable.Range(0, plan.Count).Select(k => ScaleLayout.ShardDirectory(runRoot, k, plan.Count))], runRoot, forwarded.Catalog);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"launch: merged {plan.Count} shards into {runRoot} in {clock.Elapsed.TotalSeconds:F2} s")).ConfigureAwait(false);
        await output.WriteLineAsync(RunCommand.Summary(merged)).ConfigureAwait(false);
        foreach (var file in LmmsEvalFlags.WriteMergedLayout(forwarded.Tokens, merged, forwarded.Catalog, forwarded.Config, started, startTime))
        {
            await output.WriteLineAsync($"lmms-eval layout: {file}").ConfigureAwait(false);
        }

        return 0;
    }
}
