using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Cli.Commands;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Scaling;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// The <c>run</c> flags that <c>launch</c> and <c>submit slurm</c> pass on to every shard, parsed and resolved the
/// way <c>run</c> does (eval.yaml under the flags), so a bad flag, task or data folder is refused before anything
/// starts, and the run root is where a single process would have written the run.
/// </summary>
internal sealed record ForwardedRun(ImmutableArray<string> Tokens, RunConfig Config, TaskCatalog Catalog, string RunRoot, string? TasksDir)
{
    /// <summary>Flags the launchers set per shard themselves.</summary>
    private static readonly string[] s_owned = ["--shard", "--resume", "--run-dir"];

    public static ForwardedRun Parse(IReadOnlyList<string> tokens, string verb)
    {
        foreach (var t in tokens)
        {
            if (s_owned.FirstOrDefault(o => t == o || t.StartsWith(o + "=", StringComparison.Ordinal)) is { } owned)
            {
                throw new ConfigException($"{verb} sets {owned} for each shard itself; drop {owned} from the command line{(owned == "--resume" ? $" (continue a run with '{verb.Split(' ')[0]} --resume RUN_ROOT' for launch, or resubmit)" : "")}.");
            }
        }

        var parse = new RootCommand { RunCommand.Create() }.Parse(["run", .. tokens]);
        if (parse.Errors.Count > 0)
        {
            throw new ConfigException($"{verb}: {parse.Errors[0].Message} (the flags after {verb}'s own are those of 'run'; see 'lladav-eval run --help').");
        }

        var tasksDir = RunSettingOptions.Given(parse, RunSettingTable.TasksDir);
        var root = Workspace.Root(tasksDir);
        var settings = RunCommand.Flags(parse).Over(Workspace.EvalYaml(parse.GetValue<string?>("--config"), root));
        var config = settings.ToConfig();
        var catalog = Workspace.Catalog(settings[RunSettingTable.TasksDir], settings[RunSettingTable.IncludePath]);
        var runRoot = Path.Combine(
            settings[RunSettingTable.Output] ?? Path.Combine(root, "results"),
            config.Model,
            RunCommand.RunIdOf(parse) ?? ToolInfo.Now().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture));
        return new ForwardedRun([.. tokens], config, catalog, Path.GetFullPath(runRoot), settings[RunSettingTable.TasksDir]);
    }

    public IReadOnlyList<TaskWork> Work() => ShardPlanner.Estimate(Config, Catalog, Workspace.Readers, new DownloadReporter(DownloadProgressLine.ForStandardError()));

    private sealed class DownloadReporter(DownloadProgressLine line) : IProgress<Eval.Data.Hub.HubTransferProgress>
    {
        public void Report(Eval.Data.Hub.HubTransferProgress value) => line.Report(value);
    }

    /// <summary>
    /// How a worker process starts this very tool: the apphost when that is what runs, else the dotnet host with
    /// the tool's dll (never the ./lladav-eval wrapper, which may rebuild while other shards start).
    /// </summary>
    public static ImmutableArray<string> ToolCommand()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "lladav-eval")
        {
            return [process];
        }

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process
            : "dotnet";
        return [host, typeof(Program).Assembly.Location];
    }
}
