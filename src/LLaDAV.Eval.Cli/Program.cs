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

        // A command line that does not parse (a missing argument, an unknown option, a bad value) is a usage error:
        // exit 2 as every other usage error does. System.CommandLine's own parse-error action prints the message and
        // returns 1, which is the regression gate's "a task regressed" (compare) and must not mean "you mistyped".
        var parse = root.Parse(args);
        var code = await parse.InvokeAsync(config).ConfigureAwait(false);
        return parse.Errors.Count > 0 ? UsageExitCode : code;
    }

    /// <summary>The exit status of a usage error (DESIGN.md: 2 usage, 3 data, 1 only for a failed gate).</summary>
    public const int UsageExitCode = 2;
}
