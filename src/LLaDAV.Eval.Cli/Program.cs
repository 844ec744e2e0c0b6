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

        var config = new InvocationConfiguration();
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
