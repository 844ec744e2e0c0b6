using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval status RUN_ROOT</c>: the shards of a launched or submitted run, done/running/failed.</summary>
internal static class StatusCommand
{
    private static readonly Argument<string> s_dir = new("run-root") { Description = "The run root printed by launch or submit slurm." };

    public static Command Create()
    {
        var command = new Command("status", "Show which shards of a launched or Slurm-submitted run are done, running, pending or failed (journals; the launcher or sacct/scontrol).");
        command.Arguments.Add(s_dir);
        command.Options.Add(CliHost.Verbose);
        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var root = Path.GetFullPath(parse.GetValue(s_dir)!);
            var (shards, merged, source) = ShardStatus.Read(root);
            var n = shards.Count;
            await output.WriteLineAsync($"{root}: {n} shards (from {source})").ConfigureAwait(false);
            foreach (var s in shards)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  shard {s.Shard,3}/{n}  {s.State,-8} {s.DocsDone,6}/{s.DocsExpected,-6} docs  tasks {s.TasksStarted}/{s.Tasks}{(s.Detail is null ? "" : "  " + s.Detail)}")).ConfigureAwait(false);
            }

            var counts = shards.GroupBy(s => s.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
            await output.WriteLineAsync($"summary: {string.Join(", ", counts)}; merged: {(merged ? "yes" : "no")}").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
