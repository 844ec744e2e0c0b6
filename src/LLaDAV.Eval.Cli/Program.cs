using System.CommandLine;
using LLaDAV.Eval.Cli.Commands;

namespace LLaDAV.Eval.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args);

    /// <summary>The whole CLI, callable in-process by tests.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = new RootCommand("lladav-eval: evaluate LLaDA-V and LLaMA3-V on lmms-eval benchmarks, reproduce the paper's tables, gate checkpoints.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        // Signals are the run verb's own business (Hosting/InterruptSignals): it reports what it saved and exits 130/143.
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null)
        {
            config.Output = output;
        }

        if (error is not null)
        {
            config.Error = error;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Every usage error exits 2, whichever layer finds it (issue 24): System.CommandLine's own parse errors
            // would exit 1, which is the compare gate's "regression".
            var stderr = config.Error;
            foreach (var e in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync($"Run '{string.Join(' ', ["lladav-eval", .. CommandPath(parse.CommandResult)])} --help' for usage.").ConfigureAwait(false);
            return UsageExitCode;
        }

        return await parse.InvokeAsync(config).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, r.Command.Name);
        }

        return names;
    }

    /// <summary>The exit status of a usage error (docs/ARCHITECTURE.md: 2 usage, 3 data, 1 only for a failed gate).</summary>
    public const int UsageExitCode = 2;
}
