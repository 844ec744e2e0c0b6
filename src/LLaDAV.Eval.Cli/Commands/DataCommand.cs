using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval data --tasks ...</c>: for each task, where its split comes from (repository, revision, commit, how
/// the files were chosen, files with rows and bytes, media extracted or not), or what is missing with the
/// <c>huggingface-cli download</c> line that fetches it. Only real data counts: the embedded samples are not a
/// copy of the benchmark. Exit 3 when anything is missing or does not resolve.
/// </summary>
internal static class DataCommand
{
    private static readonly Option<string> s_tasks = new("--tasks") { Description = "Tasks and groups, comma-separated (default: eval.yaml's).", };
    private static readonly Option<string?> s_dataDir = new("--data-dir") { Description = "Look in this folder of org/name copies instead of the hub cache." };
    private static readonly Option<string?> s_tasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };
    private static readonly Option<bool> s_json = new("--json") { Description = "One JSON object: task → {status, repo_id, revision, commit, config, split, resolved_by, files, media, download}." };

    public static Command Create()
    {
        var command = new Command("data", "Say where each task's dataset comes from (repo, revision, commit, files, media), or how to download what is missing.");
        command.Options.Add(s_tasks);
        command.Options.Add(s_dataDir);
        command.Options.Add(s_tasksDir);
        command.Options.Add(s_json);
        command.Options.Add(CliHost.Verbose);
        command.Subcommands.Add(CreatePull());
        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var catalog = Workspace.Catalog(parse.GetValue(s_tasksDir));
            var names = parse.GetValue(s_tasks) is { Length: > 0 } t
                ? t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : throw new ConfigException("data: name the tasks or groups with --tasks (e.g. --tasks mmstar,paper_table2).");
            var tasks = catalog.Expand(names).ToList();
            var locator = DatasetLocator.ForRun(parse.GetValue(s_dataDir), Workspace.Readers, allowSample: false);
            var report = new JsonObject();
            var missing = 0;
            foreach (var task in tasks)
            {
                var entry = Describe(task, locator);
                missing += (string?)entry["status"] == "ready" ? 0 : 1;
                report[task.Name] = entry;
            }

            if (parse.GetValue(s_json))
            {
                await output.WriteLineAsync(report.ToJsonString(Running.JsonOutput.Indented)).ConfigureAwait(false);
            }
            else
            {
                foreach (var (name, entry) in report)
                {
                    await output.WriteAsync(Render(name, entry!.AsObject())).ConfigureAwait(false);
                }

                await output.WriteLineAsync(missing == 0
                    ? $"All {tasks.Count} tasks have their data."
                    : $"{missing} of {tasks.Count} tasks lack their data (see above); the embedded samples serve only the demo checkpoint and --model replay.").ConfigureAwait(false);
            }

            return missing == 0 ? 0 : 3;
        }));
        return command;
    }

    private static readonly Option<string> s_pullTasks = new("--tasks") { Description = "Tasks and groups to fetch, comma-separated (e.g. paper_table2)." };
    private static readonly Option<string?> s_pullTasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };
    private static readonly Option<bool> s_offline = new("--offline") { Description = "Open no connection (as HF_HUB_OFFLINE=1): list exactly what is missing from the hub cache." };

    /// <summary>
    /// <c>lladav-eval data pull --tasks ...</c>: downloads what the tasks need (card, the files their config and split
    /// resolve to, a video task's whole revision) from <c>HF_ENDPOINT</c> into the hub cache, as huggingface_hub lays
    /// it out. With <c>--offline</c> or <c>HF_HUB_OFFLINE=1</c> no socket is opened: each task is ready or missing,
    /// and what is missing is named. Exit 3 when anything is missing or failed.
    /// </summary>
    private static Command CreatePull()
    {
        var command = new Command("pull", "Download what the tasks need from the Hub into the hub cache (HF_HOME / HF_HUB_CACHE); --offline lists what is missing.");
        command.Options.Add(s_pullTasks);
        command.Options.Add(s_pullTasksDir);
        command.Options.Add(s_offline);
        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, async output =>
        {
            var catalog = Workspace.Catalog(parse.GetValue(s_pullTasksDir));
            var names = parse.GetValue(s_pullTasks) is { Length: > 0 } t
                ? t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : throw new ConfigException("data pull: name the tasks or groups with --tasks (e.g. --tasks mmstar,paper_table2).");
            var tasks = catalog.Expand(names).ToList();
            var offline = parse.GetValue(s_offline) || HubSettings.OfflineFromEnvironment();
            var locator = DatasetLocator.ForRun(null, Workspace.Readers, allowSample: false);
            if (offline)
            {
                return await OfflineAsync(output, tasks, locator, parse.GetValue(s_offline) ? "--offline" : "HF_HUB_OFFLINE").ConfigureAwait(false);
            }

            var settings = HubSettings.FromEnvironment();
            var error = parse.InvocationConfiguration.Error;
            var line = new DownloadProgressLine(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
            using var client = new HubClient(settings);
            var downloader = new HubDownloader(settings, client, new Reporter(line));
            var failed = 0;
            await output.WriteLineAsync($"Pulling {tasks.Count} tasks from {settings.Endpoint} into {settings.HubCache}").ConfigureAwait(false);
            foreach (var group in tasks.GroupBy(x => (x.Spec.DatasetPath, DatasetLocator.Revision(x.Spec))))
            {
                try
                {
                    foreach (var p in await DatasetPull.PullAsync([.. group.Select(x => x.Spec)], downloader, ct).ConfigureAwait(false))
                    {
                        var data = locator.Locate(group.First(x => x.Name == p.Task).Spec);
                        await output.WriteLineAsync(
                            $"{p.Task}: {p.RepoId}@{p.Revision} (commit {p.Commit}): {p.Files.Length} files, {HubTransferProgress.Bytes(data.Files.Sum(f => DatasetLocation.Content(f).Length))} of split data, resolved by {p.How}").ConfigureAwait(false);
                    }
                }
                catch (DataException e)
                {
                    failed += group.Count();
                    await output.WriteLineAsync($"{string.Join(", ", group.Select(x => x.Name))}: FAILED\n  {e.Message.Replace("\n", "\n  ", StringComparison.Ordinal)}").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync(failed == 0
                ? $"All {tasks.Count} tasks have their data in {settings.HubCache}."
                : $"{failed} of {tasks.Count} tasks could not be pulled (see above); what was downloaded is kept and the next pull resumes.").ConfigureAwait(false);
            return failed == 0 ? 0 : 3;
        }));
        return command;
    }

    /// <summary>Offline: what the hub cache holds per task, and exactly what is missing; no Hub client exists.</summary>
    private static async Task<int> OfflineAsync(TextWriter output, IReadOnlyList<TaskDefinition> tasks, DatasetLocator locator, string why)
    {
        var missing = new List<string>();
        await output.WriteLineAsync($"Offline ({why}): nothing is downloaded; checking the hub cache {locator.HubCacheRoot}.").ConfigureAwait(false);
        foreach (var task in tasks)
        {
            var entry = Describe(task, locator);
            if ((string?)entry["status"] == "ready")
            {
                await output.WriteLineAsync($"{task.Name}: ready ({entry["repo_id"]}@{entry["revision"]}, commit {entry["commit"]}, {entry["files"]!.AsArray().Count} files)").ConfigureAwait(false);
                continue;
            }

            missing.Add(task.Name);
            await output.WriteLineAsync($"{task.Name}: MISSING {task.Spec.DatasetPath}@{DatasetLocator.Revision(task.Spec)}{(task.Spec.DatasetName is { } config ? $" config '{config}'" : "")} split '{task.Spec.Split}'\n  {entry["error"]}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(missing.Count == 0
            ? $"All {tasks.Count} tasks have their data."
            : $"{missing.Count} of {tasks.Count} tasks lack their data. On a machine with network, with the same HF_HOME: lladav-eval data pull --tasks {string.Join(',', missing)}").ConfigureAwait(false);
        return missing.Count == 0 ? 0 : 3;
    }

    private sealed class Reporter(DownloadProgressLine line) : IProgress<HubTransferProgress>
    {
        public void Report(HubTransferProgress value) => line.Report(value);
    }

    private static JsonObject Describe(TaskDefinition task, DatasetLocator locator)
    {
        var spec = task.Spec;
        var revision = DatasetLocator.Revision(spec);
        var entry = new JsonObject { ["repo_id"] = spec.DatasetPath, ["revision"] = revision, ["config"] = spec.DatasetName, ["split"] = spec.Split };
        DatasetLocation data;
        try
        {
            data = locator.Locate(spec);
        }
        catch (DataException e)
        {
            entry["status"] = e is DatasetMissingException ? "missing" : "unresolved";
            entry["error"] = e.Message;
            entry["download"] = HubCache.DownloadCommand(spec.DatasetPath, revision);
            if (spec.DatasetKwargs.GetValueOrDefault("token") is true)
            {
                entry["access"] = $"lmms-eval loads {spec.DatasetPath} with a token: if the Hub says the repository is gated, accept its terms on https://huggingface.co/datasets/{spec.DatasetPath} and log in first (huggingface-cli login, or HF_TOKEN).";
            }

            return entry;
        }

        entry["status"] = "ready";
        entry["repo_id"] = data.RepoId;
        entry["commit"] = data.Commit;
        entry["config"] = data.Config;
        entry["root"] = data.Root;
        entry["resolved_by"] = data.How;
        entry["files"] = new JsonArray([.. data.Files.Select(f => (JsonNode?)new JsonObject
        {
            ["path"] = Path.GetRelativePath(data.Root, f).Replace('\\', '/'),
            ["bytes"] = DatasetLocation.Content(f).Length,
            ["rows"] = Workspace.Readers.First(r => r.CanRead(f)).CountRows(f),
        })]);
        if (data.Commit is not null && MediaArchives.Target(spec, DatasetLocator.DefaultHfHome()) is { } target)
        {
            var (zips, tars) = MediaArchives.Find(data.Root);
            entry["media"] = new JsonObject
            {
                ["folder"] = target,
                ["extracted"] = Directory.Exists(target),
                ["partial"] = Directory.Exists(target + MediaArchives.PartialSuffix),
                ["archives"] = zips.Length + tars.Sum(x => x.Parts.Length),
                ["archive_bytes"] = zips.Sum(z => DatasetLocation.Content(z).Length) + tars.Sum(x => x.Parts.Sum(p => DatasetLocation.Content(p).Length)),
            };
        }

        return entry;
    }

    private static string Render(string task, JsonObject e)
    {
        var lines = new List<string>();
        var where = $"{e["repo_id"]}@{e["revision"]}" + (e["config"] is { } c ? $" config '{c}'" : "") + $" split '{e["split"]}'";
        switch ((string?)e["status"])
        {
            case "ready":
                lines.Add($"{task}: {where}" + (e["commit"] is { } commit ? $" (commit {commit})" : " (--data-dir copy)"));
                lines.Add($"  at {e["root"]}");
                lines.Add($"  resolved by {e["resolved_by"]}");
                foreach (var f in e["files"]!.AsArray())
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {f!["path"]}: {(long)f["rows"]!} rows, {Size((long)f["bytes"]!)}"));
                }

                if (e["media"] is JsonObject media)
                {
                    lines.Add((bool)media["extracted"]!
                        ? $"  media: extracted in {media["folder"]}"
                        : (int)media["archives"]! == 0
                        ? $"  media: no archives in the snapshot; videos are looked for beside the split files and in {media["folder"]}"
                        : $"  media: {(int)media["archives"]!} archives ({Size((long)media["archive_bytes"]!)}) not extracted yet{((bool)media["partial"]! ? " (an extraction was interrupted; it resumes)" : "")}: the first run unpacks them into {media["folder"]}");
                }

                break;
            default:
                lines.Add($"{task}: {where}: {((string?)e["status"] == "missing" ? "MISSING" : "DOES NOT RESOLVE")}");
                lines.Add($"  {e["error"]}");
                lines.Add($"  download: {e["download"]}");
                lines.Add($"  or: lladav-eval data pull --tasks {task}");
                if (e["access"] is { } access)
                {
                    lines.Add($"  {access}");
                }

                break;
        }

        return string.Join('\n', lines) + "\n";
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => $"{bytes} B",
    };
}
