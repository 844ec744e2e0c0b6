using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval plot scaling|tradeoff RUNS...</c>: SVG figures (PNG too with --png) drawn by ScottPlot from run directories (docs/ARCHITECTURE.md §6).</summary>
internal static class PlotCommand
{
    private static readonly Option<string> s_out = new("--out") { Description = "Folder for the figures (created if missing).", DefaultValueFactory = _ => "plots" };
    private static readonly Option<bool> s_png = new("--png") { Description = "Also write each figure as PNG (twice the SVG's pixel size)." };
    private static readonly Option<string> s_xScale = new("--x-scale") { Description = "log or linear x axis.", DefaultValueFactory = _ => "log" };

    public static Command Create()
    {
        var command = new Command("plot", "Draw figures from run directories as SVG (and PNG with --png).");
        command.Subcommands.Add(Scaling());
        command.Subcommands.Add(Tradeoff());
        return command;
    }

    private static Command Scaling()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run directories (or folders of runs), one per (model, training-set size) checkpoint.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("scaling", "Data-scaling curves (the paper's Fig. 3/5): score vs training samples, one line per model family, one panel per task. " +
            "x is read from each run's manifest.json config.tags.train_samples: record it with 'lladav-eval run ... --tag train_samples=3M' (K/M/B suffixes accepted). " +
            "The family comes from --tag family=NAME, else the model name (lladav -> LLaDA-V, llama3v -> LLaMA3-V). Writes scaling.svg (all panels) and scaling_<task>.svg.");
        command.Arguments.Add(runs);
        foreach (var o in new Option[] { s_out, s_xScale, s_png, TableCommand.PaperData, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var scale = parse.GetValue(s_xScale) switch
            {
                "log" => AxisScale.Log,
                "linear" => AxisScale.Linear,
                var other => throw new ConfigException($"--x-scale '{other}' is not known. Use log or linear."),
            };
            var png = parse.GetValue(s_png);
            var (all, perTask) = ScalingPlot.Build(RunDirectory.LoadAll(parse.GetValue(runs)!), scale, TableCommand.TryLoadPaper(parse.GetValue(TableCommand.PaperData)));
            var files = new List<(string Name, Figure Figure)> { ("scaling.svg", all) };
            files.AddRange(perTask.Select(p => ($"scaling_{p.Task}.svg", p.Figure)));
            await WriteAsync(parse.GetValue(s_out)!, files, png, output).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Tradeoff()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run directories (or folders of runs), e.g. the output of 'lladav-eval sweep'.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tradeoff", "Accuracy vs throughput (tokens/s from timing.json), one point per run labelled by its refresh interval r " +
            "(--gen-kwargs refresh_interval=R or --tag refresh_interval=R), the Pareto frontier, and the paper's Table 8 curve in a separate, labelled panel. Writes tradeoff.svg.");
        command.Arguments.Add(runs);
        foreach (var o in new Option[] { s_out, s_png, TableCommand.PaperData, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var png = parse.GetValue(s_png);
            var figure = TradeoffPlot.Build(RunDirectory.LoadAll(parse.GetValue(runs)!), TableCommand.TryLoadPaper(parse.GetValue(TableCommand.PaperData)));
            await WriteAsync(parse.GetValue(s_out)!, [("tradeoff.svg", figure)], png, output).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static async Task WriteAsync(string folder, IReadOnlyList<(string Name, Figure Figure)> files, bool png, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, figure) in files)
        {
            var path = Path.GetFullPath(Path.Combine(folder, name));
            using var composed = FigureRenderer.Compose(figure); // laid out once for both formats
            await File.WriteAllTextAsync(path, composed.ToSvg()).ConfigureAwait(false);
            await output.WriteLineAsync($"Wrote {path}").ConfigureAwait(false);
            if (png)
            {
                var pngPath = Path.ChangeExtension(path, ".png");
                await File.WriteAllBytesAsync(pngPath, composed.ToPng()).ConfigureAwait(false);
                await output.WriteLineAsync($"Wrote {pngPath}").ConfigureAwait(false);
            }
        }
    }
}
