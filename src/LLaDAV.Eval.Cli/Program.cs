using System.CommandLine;
using LLaDAV.Eval.Cli.Commands;

namespace LLaDAV.Eval.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args);

    /// <summary>The whole CLI, callable in-process by tests.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
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

        return root.Parse(args).InvokeAsync(config);
    }
}
