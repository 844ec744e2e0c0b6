using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using Spectre.Console;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval run</c>: evaluate a model on tasks (docs/ARCHITECTURE.md "From run to results.json").</summary>
internal static class RunCommand
{
    private static readonly Option<string?> s_config = new("--config") { Description = "Defaults file (eval.yaml in the checkout by default); flags override it." };
    private static readonly Option<string?> s_runId = new("--run-id") { Description = "Name of the run folder (default: UTC time yyyyMMdd_HHmmss)." };
    private static readonly Option<string?> s_resume = new("--resume") { Description = "Continue the run in this directory: finished samples are kept, the rest are run." };
    private static readonly Option<string?> s_runDir = new("--run-dir") { Description = "Write the run into exactly this folder instead of <output>/<model>/<run-id>/ (what launch and submit slurm give each shard)." };

    public static Command Create()
    {
        var command = new Command("run", "Evaluate a model on tasks and write a run directory (manifest, journal, results.json, samples, report).");
        command.Options.Add(s_config);
        RunSettingOptions.AddTo(command, _ => true);
        foreach (var o in new Option[] { s_runId, s_resume, s_runDir, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        LmmsEvalFlags.AddTo(command);
        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, output => InterruptibleRunAsync(parse, output, ct)));
        return command;
    }

    /// <summary>The run with SIGINT/SIGTERM turned into "interrupted: N of M samples saved; resume with: ..." (issue 14 §4).</summary>
    private static async Task<int> InterruptibleRunAsync(ParseResult parse, TextWriter output, CancellationToken ct)
    {
        using var signals = new InterruptSignals(ct);
        try
        {
            return await RunAsync(parse, output, signals.Token).ConfigureAwait(false);
        }
        catch (RunInterruptedException e)
        {
            // With --output_path the hint repeats the lmms-eval flags: a plain --resume would finish the run but write
            // none of lmms-eval's <date>_results.json / samples files the user's scripts read.
            var lmms = LmmsEvalFlags.ResumeFlags(parse);
            await parse.InvocationConfiguration.Error.WriteLineAsync(lmms.Count == 0 ? e.Message : e.Message + " " + LLaDAV.Eval.Scaling.SlurmScripts.Command(lmms)).ConfigureAwait(false);
            return signals.ExitCode;
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter output, CancellationToken ct)
    {
        var root = Workspace.Root(RunSettingOptions.Given(parse, RunSettingTable.TasksDir));
        if (RunSettingOptions.Given(parse, RunSettingTable.Tasks) is "list" or "list_groups" or "list_tags" or "list_subtasks")
        {
            // lmms-eval prints the names and exits before any model or data is touched (__main__.py 674-685).
            var flagsForList = Flags(parse);
            await output.WriteLineAsync(TaskListing.Render(Workspace.Catalog(flagsForList[RunSettingTable.TasksDir], flagsForList[RunSettingTable.IncludePath]), RunSettingOptions.Given(parse, RunSettingTable.Tasks)!, root)).ConfigureAwait(false);
            return 0;
        }

        var flags = Flags(parse);
        var resume = parse.GetValue(s_resume);
        var baseLayer = resume is not null ? RunSettings.FromManifest(RunManifest.Read(resume), Path.Combine(resume, RunManifest.FileName)) : Workspace.EvalYaml(parse.GetValue(s_config), root);
        var settings = flags.Over(baseLayer);
        var config = settings.ToConfig();
        var started = ToolInfo.Now();
        var startTime = System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;
        var quiet = LmmsEvalFlags.QuietVerbosity(parse);
        var catalog = Workspace.Catalog(settings[RunSettingTable.TasksDir], settings[RunSettingTable.IncludePath]);
        await Workspace.WarnBrokenAsync(catalog, parse.InvocationConfiguration.Error, all: false).ConfigureAwait(false);
        _ = catalog.Expand(config.Tasks); // unknown / not-ported names: one line, before anything is printed or written
        var runDirectory = resume ?? (parse.GetValue(s_runDir) is { } exact ? Path.GetFullPath(exact) : null) ?? Path.Combine(
            settings[RunSettingTable.Output] ?? Path.Combine(root, "results"),
            config.Model,
            (RunIdOf(parse) ?? ToolInfo.Now().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)) + (config.Shard.IsWhole ? "" : $"_shard{config.Shard.Index}of{config.Shard.Count}"));

        // lmms-eval logs at INFO: --verbosity WARNING and above leave out the configuration and progress lines.
        if (!quiet)
        {
            await output.WriteLineAsync("Effective configuration:").ConfigureAwait(false);
            await output.WriteLineAsync(RunManifest.Config(config).ToJsonString(JsonOutput.Indented)).ConfigureAwait(false);
        }

        if (LmmsEvalFlags.DebugVerbosity(parse))
        {
            await output.WriteLineAsync($"debug: selected tasks {string.Join(", ", catalog.Expand(config.Tasks).Select(t => t.Name))}; tasks from {catalog.Root}{(settings[RunSettingTable.IncludePath] is { } inc ? " + " + inc : "")}").ConfigureAwait(false);
        }

        RunOutcome outcome;
        var interactive = !quiet && output == Console.Out && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (interactive)
        {
            outcome = await AnsiConsole.Progress().Columns(LiveObserver.Columns()).AutoClear(false).HideCompleted(false)
                .StartAsync(ctx => new EvaluationRunner(catalog, Workspace.Backends, Workspace.Readers, new LiveObserver(ctx))
                    .RunAsync(new RunRequest(config, runDirectory, resume is not null, root), ct)).ConfigureAwait(false);
        }
        else
        {
            outcome = await new EvaluationRunner(catalog, Workspace.Backends, Workspace.Readers, (quiet ? new SilentObserver() : new PlainObserver(output)))
                .RunAsync(new RunRequest(config, runDirectory, resume is not null, root), ct).ConfigureAwait(false);
        }

        // lmms-eval's end of run (__main__.py cli_evaluate 599-606): the banner line, make_table's markdown table (and
        // the groups table when a group aggregates); ours follows.
        var call = LmmsEvalFlags.Invocation(parse, config, started, startTime, root);
        var tree = Running.LmmsEval.TaskTree.Build(catalog, config.Tasks);
        var lmms = Running.LmmsEval.LmmsEvalFiles.Results(outcome.Model, tree, outcome.Results, call);
        await output.WriteLineAsync(Running.LmmsEval.MakeTable.Banner(call)).ConfigureAwait(false);
        await output.WriteLineAsync(Running.LmmsEval.MakeTable.Render(lmms)).ConfigureAwait(false);
        if (lmms.ContainsKey("groups"))
        {
            await output.WriteLineAsync(Running.LmmsEval.MakeTable.Render(lmms, "groups")).ConfigureAwait(false);
        }

        await output.WriteLineAsync(Summary(outcome)).ConfigureAwait(false);
        // lmms-eval writes its files once, on rank 0 after gathering every rank's samples (evaluator.py, evaluation_tracker):
        // a shard's would be partial scores in files shaped like the whole run's (launch writes them after its merge).
        if (config.Shard.IsWhole)
        {
            foreach (var file in LmmsEvalFlags.WriteLayout(parse, outcome, tree, call))
            {
                await output.WriteLineAsync($"lmms-eval layout: {file}").ConfigureAwait(false);
            }
        }
        else if (LmmsEvalFlags.ResumeFlags(parse).Count > 0)
        {
            await output.WriteLineAsync($"lmms-eval layout: not written for shard {config.Shard.Index}/{config.Shard.Count} (its scores are partial); 'launch' writes it after merging the shards.").ConfigureAwait(false);
        }

        // A judge failure leaves samples unscored, never wrong (issue 14 §3): the results are written but the run is
        // not done, so it must not look like success to a script or a Slurm job.
        return ResultsWriter.Incomplete(outcome.Results).Count > 0 ? IncompleteExitCode : 0;
    }

    /// <summary>--run-id, checked: one folder name inside &lt;output&gt;/&lt;model&gt;/ (issue 23 §2), never '..', 'a/b' or an absolute path.</summary>
    internal static string? RunIdOf(ParseResult parse) =>
        parse.GetValue(s_runId) is { } id ? RunFiles.CheckComponent(id, "--run-id") : null;

    /// <summary>Exit code of a run that wrote its results but left judge-scored samples unscored (resume to finish).</summary>
    internal const int IncompleteExitCode = 4;

    /// <summary>The command line's settings layer (also how launch and submit read the run flags they forward).</summary>
    internal static RunSettings Flags(ParseResult parse) => LmmsEvalFlags.Apply(parse, RunSettingOptions.Read(parse));

    /// <summary>The run summary: one line per metric with stderr, data source and extraction diagnostics.</summary>
    internal static string Summary(RunOutcome outcome)
    {
        var results = outcome.Results;
        var lines = new List<string> { "", $"Results ({outcome.RunDirectory}):" };
        var extraction = results["lladav_eval"]!["extraction"]!;
        var source = results["lladav_eval"]!["data_source"]!;
        foreach (var (task, metric, value, stderr) in ResultsWriter.Rows(results).Where(r => !SubmissionSummary.IsSubmissionRow(results, r.Task, r.Metric)))
        {
            var ex = extraction[task]!;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {task,-34} {metric,-34} {ResultsWriter.Format(value),10} ± {ResultsWriter.Format(stderr),-8} n={results["results"]![task]!["samples"]} [{source[task]}] fallback {(double)ex["fallback_share"]!:P0}, unparseable {(double)ex["unparseable_share"]!:P0}"));
        }

        lines.AddRange(SubmissionSummary.Lines(results, outcome.RunDirectory));
        if (results["lladav_eval"]!["group_averages"]?["mvbench"] is { } mv)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  mvbench (lladav-eval's own unweighted mean of {mv["included"]} sub-tasks; lmms-eval reports none): {ResultsWriter.Format(mv["mvbench_average"])}"));
        }

        foreach (var (task, t) in outcome.Timing.Where(t => (long)t.Value!["generated_tokens"]! > 0))
        {
            var emulated = t!["emulated_device"] is JsonValue e && e.TryGetValue<bool>(out var b) && b;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {task}: {t["generated_tokens"]} tokens in {ResultsWriter.Format(t["wall_seconds"])} s ({ResultsWriter.Format(t["tokens_per_second"])} tok/s{(emulated ? "; " + Models.Backends.ComputeDeviceInfo.EmulatedTimingNote : "")})"));
        }

        foreach (var (task, ex) in extraction.AsObject().Where(kv => (int)kv.Value!["skipped"]! > 0))
        {
            lines.Add($"  {task}: {(int)ex!["skipped"]!} samples were skipped (missing media) and are left out of the score. See samples_{task}.jsonl.");
        }

        foreach (var (task, id, samples) in ResultsWriter.Quirks(results))
        {
            var what = Metrics.UpstreamQuirk.All.TryGetValue(id, out var q) ? q.What : "samples";
            lines.Add($"  {task}: {samples} {what} cannot score under lmms-eval 0.7.2's rule ({id}, see lladav_eval.upstream_quirks in results.json); --scoring 2025 scores them as the paper did");
        }

        foreach (var (task, info) in ResultsWriter.Incomplete(results))
        {
            lines.Add((string?)info!["reason"] == "judge_failed"
                ? $"  INCOMPLETE {task}: the judge FAILED on {(int)info["unscored_samples"]!} samples; they are UNSCORED (not counted as wrong) and the score above is over the other samples only. Make the judge reachable, then: lladav-eval run --resume {outcome.RunDirectory}"
                : $"  INCOMPLETE {task}: {(int)info["unscored_samples"]!} samples have no answer ({info["reason"]}: the model's request failed after its retries{((string?)info["reason"] == "request_failed" ? "" : ", or the judge failed")}); they are UNSCORED (not counted as wrong) and the score above is over the other samples only. Make the server reachable, then: lladav-eval run --resume {outcome.RunDirectory} (it asks again for exactly these)");
        }

        if (results["lladav_eval"]!["data_source"]!.AsObject().Where(kv => (string?)kv.Value == "sample").Select(kv => kv.Key).ToList() is { Count: > 0 } sampled)
        {
            lines.Add($"  Note: {string.Join(", ", sampled)} ran on the tiny embedded SAMPLE data, not the benchmark; these scores say nothing about a model. " +
                $"./lladav-eval data --tasks {string.Join(',', sampled)} says what to download for real scores.");
        }

        var model = (string?)results["config"]?["model"];
        var args = (string?)results["config"]?["model_args"] ?? "";
        if (model is "lladav" or "llama3v" && ((!args.Contains("path=", StringComparison.Ordinal) && !args.Contains("pretrained=", StringComparison.Ordinal)) || args.Contains("path=demo", StringComparison.Ordinal) || args.Contains("pretrained=demo", StringComparison.Ordinal)))
        {
            lines.Add("  Note: the demo checkpoint has RANDOM weights (it exercises the real backend); its scores are chance-level. Pass --model-args path=DIR for a real checkpoint.");
        }

        lines.Add($"Files: {Path.Combine(outcome.RunDirectory, "results.json")}, samples_<task>.jsonl, report.md, timing.json");
        return string.Join(Environment.NewLine, lines);
    }

}
