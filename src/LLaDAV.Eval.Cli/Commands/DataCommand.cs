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
