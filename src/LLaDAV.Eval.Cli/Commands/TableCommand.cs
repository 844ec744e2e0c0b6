using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;
using LLaDAV.Eval.Reports.Tables;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval table [RUNS...]</c>: our numbers beside the paper's Tables 2-4 with signed deltas (docs/ARCHITECTURE.md §6).</summary>
internal static class TableCommand
{
    /// <summary>Shared by the report verbs: where the paper's numbers are read from.</summary>
    internal static readonly Option<string?> PaperData = new("--paper-data") { Description = $"The paper's reference numbers (default: {PaperReference.RelativePath} of the checkout)." };

    private static readonly Argument<string[]> s_runs = new("runs") { Description = "Run directories (or folders of runs) to put beside the paper's rows; none prints the paper's table alone.", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<string> s_paper = new("--paper") { Description = "Which paper table: table2, table3, table4 or all.", DefaultValueFactory = _ => "all" };
    private static readonly Option<string> s_format = new("--format") { Description = "md (markdown), csv or html.", DefaultValueFactory = _ => "md" };
    private static readonly Option<string?> s_out = new("--out") { Description = "Write to this file instead of standard output." };

    private static readonly ITableWriter[] s_writers = [new MarkdownTableWriter(), new CsvTableWriter(), new HtmlTableWriter()];

    public static Command Create()
    {
        var command = new Command("table", "Print the paper's Table 2/3/4 with our runs beside it: one row per model or run, one column per benchmark, deltas on the paper's scale. " +
            "A run is compared with the paper row of its --tag paper_model=NAME, else its family (--tag family=..., or lladav → LLaDA-V, llama3v → LLaMA3-V).");
        command.Arguments.Add(s_runs);
        foreach (var o in new Option[] { s_paper, s_format, s_out, PaperData, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var writer = s_writers.FirstOrDefault(w => w.Format == parse.GetValue(s_format))
                ?? throw new ConfigException($"--format '{parse.GetValue(s_format)}' is not known. Use md, csv or html.");
            var tables = ComparisonTableBuilder.Select(parse.GetValue(s_paper)!);
            var paper = LoadPaper(parse.GetValue(PaperData));
            var runs = RunDirectory.LoadAll(parse.GetValue(s_runs) ?? []);
            var text = writer.Write([.. tables.Select(t => ComparisonTableBuilder.Build(paper, t, runs))]);
            if (parse.GetValue(s_out) is { } file)
            {
                await File.WriteAllTextAsync(file, text).ConfigureAwait(false);
                await output.WriteLineAsync($"Wrote {Path.GetFullPath(file)}").ConfigureAwait(false);
            }
            else
            {
                await output.WriteAsync(text).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The paper's numbers from <paramref name="file"/>, else from the checkout.</summary>
    internal static PaperReference LoadPaper(string? file) =>
        file is not null ? PaperReference.Load(file) : PaperReference.LoadFromRepository(Workspace.Root());

    /// <summary>Like <see cref="LoadPaper"/>, but null when no checkout is found (the paper columns are optional there).</summary>
    internal static PaperReference? TryLoadPaper(string? file)
    {
        if (file is not null)
        {
            return PaperReference.Load(file);
        }

        try
        {
            return PaperReference.LoadFromRepository(Workspace.Root());
        }
        catch (EvalException)
        {
            return null;
        }
    }
}
