using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Reports.Html;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval report RUN</c>: report.md (through the writer the run itself uses, <see cref="RunReportMarkdownWriter"/>)
/// and a self-contained report.html (docs/ARCHITECTURE.md §6) with the scores beside the paper's, extraction
/// diagnostics, timing, the manifest summary, and the run's plots inline (scores.svg, which this verb draws, and any
/// other .svg in the run folder or its plots/ sub-folder).
/// </summary>
internal static class ReportCommand
{
    private static readonly Argument<string> s_run = new("run") { Description = "The run directory." };
    private static readonly Option<string?> s_out = new("--out") { Description = "Folder for report.md, report.html and scores.svg (default: the run directory, whose report.md is rewritten with the paper's numbers and the plots)." };

    public static Command Create()
    {
        var command = new Command("report", "Write report.md and a self-contained report.html for a run: scores beside the paper, extraction diagnostics, timing, manifest, plots inline.");
        command.Arguments.Add(s_run);
        foreach (var o in new Option[] { s_out, TableCommand.PaperData, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var run = RunDirectory.Load(parse.GetValue(s_run)!);
            var paper = TableCommand.TryLoadPaper(parse.GetValue(TableCommand.PaperData));
            var folder = Path.GetFullPath(parse.GetValue(s_out) ?? run.Path);
            Directory.CreateDirectory(folder);

            var figures = new List<ReportFigure>();
            // A task without any metric (every sample unscored by a failed judge) has no bar; report.md says why.
            var scores = run.Tasks.Where(t => !run.MetricKeys(t).IsEmpty).Select(t => TaskScores.Primary(run, t, paper)).OfType<TaskScore>().ToList();
            foreach (var unit in scores.Select(s => s.Unit).Distinct())
            {
                var bars = scores.Where(s => s.Unit == unit).Select(s => new ScoreBar(
                    s.Benchmark == s.Task ? s.Task : $"{s.Benchmark} ({s.Task})",
                    s.Value,
                    s.Stderr,
                    paper?.Entries.FirstOrDefault(e => e.Task == s.Task && e.Metric == s.Metric && e.Model == RunMetadata.Family(run) && e.Table is "table2" or "table3")?.Value));
                var name = unit == "%" ? "scores.svg" : $"scores_{string.Concat(unit.Where(char.IsLetterOrDigit))}.svg";
                var sample = scores.Where(s => s.Unit == unit).Any(s => run.IsSample(s.Task)) ? " " + SampleData.Marker : "";
                var svg = ScoreBarChart.Render($"{run.Label}: primary scores{sample}", unit, [.. bars]);
                await File.WriteAllTextAsync(Path.Combine(folder, name), svg).ConfigureAwait(false);
            }

            foreach (var file in new[] { folder, Path.Combine(run.Path, "plots") }.Append(run.Path).Distinct().Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*.svg")).Distinct().Order(StringComparer.Ordinal))
            {
                figures.Add(new ReportFigure(Path.GetFileName(file), await File.ReadAllTextAsync(file).ConfigureAwait(false)));
            }

            var model = RunReportModel.Build(run, paper, [.. figures]);
            var md = Path.Combine(folder, "report.md");
            var html = Path.Combine(folder, "report.html");
            await File.WriteAllTextAsync(md, new RunReportMarkdownWriter().Write(model)).ConfigureAwait(false);
            await File.WriteAllTextAsync(html, new RunReportHtmlWriter().Write(model)).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {md} and {html} ({figures.Count} plot(s) inline).")).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
