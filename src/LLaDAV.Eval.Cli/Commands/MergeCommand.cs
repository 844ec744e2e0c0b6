using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval merge SHARD_DIRS... --output DIR</c>: join shard runs into one run directory.</summary>
internal static class MergeCommand
{
    private static readonly Argument<string[]> s_dirs = new("shards") { Description = "The run directories of shards 0/N … N-1/N.", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string> s_output = new("--output") { Description = "The merged run directory to create.", Required = true };
    private static readonly Option<string?> s_tasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };

    public static Command Create()
    {
        var command = new Command("merge", "Join the journals of shard runs (--shard K/N) into one run with the same results as an unsharded run.");
        command.Arguments.Add(s_dirs);
        command.Options.Add(s_output);
        command.Options.Add(s_tasksDir);
        command.Options.Add(CliHost.Verbose);
        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var outcome = ShardMerger.Merge(parse.GetValue(s_dirs)!, Path.GetFullPath(parse.GetValue(s_output)!), Workspace.Catalog(parse.GetValue(s_tasksDir)));
            await output.WriteLineAsync(RunCommand.Summary(outcome)).ConfigureAwait(false);
            return ResultsWriter.Incomplete(outcome.Results).Count > 0 ? RunCommand.IncompleteExitCode : 0;
        }));
        return command;
    }
}
