using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Compare;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval compare BASE NEW</c>: the regression gate (docs/ARCHITECTURE.md §6). Exit 0 = pass, 1 = a task regressed
/// significantly by more than --max-drop points, 2 = the runs cannot be compared (usage).
/// </summary>
internal static class CompareCommand
{
    private static readonly Argument<string> s_base = new("base") { Description = "The reference run directory." };
    private static readonly Argument<string> s_new = new("new") { Description = "The candidate run directory." };
    private static readonly Option<string?> s_tasks = new("--tasks") { Description = "Comma-separated tasks to compare (default: every task both runs have)." };
    private static readonly Option<double> s_maxDrop = new("--max-drop") { Description = "Allowed drop in percentage points of a task's score before a significant regression fails the gate.", DefaultValueFactory = _ => 1.0 };
    private static readonly Option<double> s_alpha = new("--alpha") { Description = "Family-wise significance level across the compared tasks (Bonferroni): each task's interval is at 1 - alpha/m, and a change is significant exactly when it excludes 0.", DefaultValueFactory = _ => 0.05 };
    private static readonly Option<int> s_bootstrap = new("--bootstrap") { Description = "Paired bootstrap resamples (tasks whose scores are not all 0/1).", DefaultValueFactory = _ => 10_000 };
    private static readonly Option<int> s_seed = new("--seed") { Description = "Seed of the bootstrap's generator (reported, so the interval can be reproduced).", DefaultValueFactory = _ => 1234 };
    private static readonly Option<string?> s_junit = new("--junit") { Description = "Also write JUnit XML here: one test case per task, a failure for a gate-failing regression." };
    private static readonly Option<string?> s_markdown = new("--markdown") { Description = "Also write the markdown summary here (e.g. $GITHUB_STEP_SUMMARY)." };

    public static Command Create()
    {
        var command = new Command("compare", "Compare two runs sample by sample: per-task delta with one test giving both p and the interval (McNemar exact with its exact interval for 0/1 scores, else the paired bootstrap), Bonferroni across tasks; " +
            "exit 1 when a task regresses significantly by more than --max-drop points.");
        command.Arguments.Add(s_base);
        command.Arguments.Add(s_new);
        foreach (var o in new Option[] { s_tasks, s_maxDrop, s_alpha, s_bootstrap, s_seed, s_junit, s_markdown, TableCommand.PaperData, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var options = new CompareOptions
            {
                Tasks = parse.GetValue(s_tasks)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxDrop = parse.GetValue(s_maxDrop),
                Alpha = parse.GetValue(s_alpha),
                BootstrapIterations = parse.GetValue(s_bootstrap),
                Seed = parse.GetValue(s_seed),
            };
            var baseRun = RunDirectory.Load(parse.GetValue(s_base)!);
            var newRun = RunDirectory.Load(parse.GetValue(s_new)!);
            if (baseRun.Path == newRun.Path)
            {
                throw new ConfigException($"BASE and NEW are the same run ({baseRun.Path}). Pass two different run directories.");
            }

            var result = RunComparer.Compare(baseRun, newRun, options, TableCommand.TryLoadPaper(parse.GetValue(TableCommand.PaperData)));
            var markdown = new ComparisonMarkdownWriter().Write(result);
            await output.WriteAsync(markdown).ConfigureAwait(false);
            if (parse.GetValue(s_markdown) is { } md)
            {
                await File.WriteAllTextAsync(md, markdown).ConfigureAwait(false);
            }

            if (parse.GetValue(s_junit) is { } junit)
            {
                await File.WriteAllTextAsync(junit, new ComparisonJUnitWriter().Write(result)).ConfigureAwait(false);
            }

            return result.Failed ? 1 : 0;
        }));
        return command;
    }
}
