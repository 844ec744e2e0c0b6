using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>
/// Issue 26 through the verbs a reader uses (replay runs of <see cref="ReportRunsFixture"/>, which read the embedded
/// sample data): compare's one decision per row and its exit codes, sample data marked everywhere, one unit per task
/// in the report, Table 4 as the paper prints it, plots without impossible ticks or phantom legend entries.
/// </summary>
public sealed partial class ReaderTrustCliTests(ReportRunsFixture runs) : IClassFixture<ReportRunsFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("lladav-trust-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Compare_rows_state_one_decision_the_interval_the_p_value_and_the_verdict_agree()
    {
        // MMMU: 3 docs right→wrong, none back. McNemar p = 0.25 (hand: 2·(1/2)^3), so at α = 0.05 over two tasks the
        // change is not significant, and the row's interval must then contain 0 (it printed [-83.33, -16.67]).
        var (code, output, error) = await Cli.RunAsync("compare", runs.Base, runs.New, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        var rows = Row().Matches(output).ToList();
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            var (lo, hi) = (Number(row.Groups["lo"].Value), Number(row.Groups["hi"].Value));
            var adjusted = Number(row.Groups["adj"].Value);
            var significant = row.Groups["verdict"].Value != "no significant change";
            Assert.True(significant == (lo > 0 || hi < 0), $"verdict vs interval: {row.Value}");
            Assert.True(significant == (adjusted < 0.05), $"verdict vs p: {row.Value}");
        }

        // Clopper-Pearson for 0 of 3 discordant pairs at 97.5 %: π_U = 1 − 0.0125^(1/3); Δ = (2π − 1)·3/5 points × 100.
        var upper = ((2 * (1 - Math.Pow(0.0125, 1.0 / 3))) - 1) * 3 / 5 * 100;
        Assert.Contains(FormattableString.Invariant($"| [-60.00, +{upper:0.00}] | McNemar exact | 3 / 0 | 0.25 | 0.5 | no significant change |"), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compare")]
    [InlineData("compare", "only-one-run")]
    [InlineData("compare", "a", "b", "--no-such-option")]
    [InlineData("compare", "a", "b", "--alpha", "not-a-number")]
    [InlineData("plot", "scaling")]
    [InlineData("table", "--paper")]
    public async Task Every_usage_error_exits_2_never_the_gates_1(params string[] args)
    {
        var (code, output, error) = await Cli.RunAsync(args);
        Assert.True(code == 2, $"exit {code}: {output}{error}");
    }

    [Fact]
    public async Task Compare_names_the_tasks_only_one_run_has()
    {
        var one = Path.Combine(_scratch, "runs");
        var (runCode, runOut, runError) = await Cli.RunAsync(Cli.ReplayArgs(one, "mmmu_only", ["--tasks", "mmmu_val", "--scoring", "2025"]));
        Assert.True(runCode == 0, runOut + runError);
        var junit = Path.Combine(_scratch, "compare.xml");
        var (code, output, error) = await Cli.RunAsync("compare", runs.Base, Path.Combine(one, "replay", "mmmu_only"), "--junit", junit, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        Assert.Contains("Not compared (in one run only): only in BASE: mmstar.", output, StringComparison.Ordinal);
        var skipped = XDocument.Load(junit).Descendants("testcase").Single(t => (string?)t.Attribute("name") == "mmstar");
        Assert.Equal("only in BASE: not compared", (string?)skipped.Element("skipped")!.Attribute("message"));
    }

    [Fact]
    public async Task Sample_data_is_marked_on_every_table_report_comparison_and_figure()
    {
        var (_, table, _) = await Cli.RunAsync("table", runs.Base, "--paper", "table2", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Contains("| base (sample data) | run vs LLaDA-V | 80.0 (+31.4) |", table, StringComparison.Ordinal);
        Assert.Contains("SAMPLE DATA: mmmu_val, mmstar scored the embedded 3-8-document sample", table, StringComparison.Ordinal);
        var (_, tableHtml, _) = await Cli.RunAsync("table", runs.Base, "--paper", "table2", "--format", "html", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Contains("<p class=\"sample\">SAMPLE DATA:", tableHtml, StringComparison.Ordinal);

        var (_, compare, _) = await Cli.RunAsync("compare", runs.Base, runs.New, "--paper-data", ReportRunsFixture.PaperData);
        Assert.Contains("SAMPLE DATA: mmmu_val, mmstar ran on the embedded 3-8-document sample", compare, StringComparison.Ordinal);

        var report = Path.Combine(_scratch, "report");
        Assert.Equal(0, (await Cli.RunAsync("report", runs.Base, "--out", report, "--paper-data", ReportRunsFixture.PaperData)).Code);
        Assert.Contains("SAMPLE DATA: mmmu_val, mmstar", await File.ReadAllTextAsync(Path.Combine(report, "report.md"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("<p class=\"sample\" role=\"alert\">SAMPLE DATA:", await File.ReadAllTextAsync(Path.Combine(report, "report.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("base: primary scores (sample data)", SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(report, "scores.svg"), TestContext.Current.CancellationToken)));

        var plots = Path.Combine(_scratch, "plots");
        Assert.Equal(0, (await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", plots, "--paper-data", ReportRunsFixture.PaperData)).Code);
        foreach (var svg in Directory.GetFiles(plots, "*.svg"))
        {
            var texts = SvgTexts.Of(await File.ReadAllTextAsync(svg, TestContext.Current.CancellationToken));
            Assert.Contains(texts, t => t.StartsWith("Data scaling:", StringComparison.Ordinal) && t.EndsWith("(sample data)", StringComparison.Ordinal));
            Assert.Contains(texts, t => t.StartsWith("SAMPLE DATA (embedded 3-8 docs", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_report_shows_each_tasks_scores_in_one_unit()
    {
        // MMStar's categories are 0-1 fractions like its average (shown as 50 %): 1 of 2 coarse-perception docs right
        // is 50 %, not 0.5 beside a 50 % average.
        var report = Path.Combine(_scratch, "report");
        Assert.Equal(0, (await Cli.RunAsync("report", runs.Base, "--out", report, "--paper-data", ReportRunsFixture.PaperData)).Code);
        var md = await File.ReadAllTextAsync(Path.Combine(report, "report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| mmstar | `coarse perception,none [%]` | 50 | N/A |", md, StringComparison.Ordinal);
        Assert.Contains("| mmstar | `logical reasoning,none [%]` | 100 | N/A |", md, StringComparison.Ordinal);
        Assert.Contains("| mmstar | `average,none (primary) [%]` | 50 | N/A | 60.1 | -10.1 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_page_defines_each_id_once()
    {
        var report = Path.Combine(_scratch, "report");
        Assert.Equal(0, (await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", report, "--paper-data", ReportRunsFixture.PaperData)).Code);
        Assert.Equal(0, (await Cli.RunAsync("report", runs.Base, "--out", report, "--paper-data", ReportRunsFixture.PaperData)).Code);
        var html = await File.ReadAllTextAsync(Path.Combine(report, "report.html"), TestContext.Current.CancellationToken);
        var ids = Regex.Matches(html, "\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.True(ids.Count > 10, $"{ids.Count} ids");
        Assert.Empty(ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public async Task Table_4_lists_benchmarks_as_rows_as_the_paper_does()
    {
        // the LLaDA-V paper (arXiv:2505.16933) Table 4: "| benchmark | dialogue causal | no mask |", then one row per benchmark.
        var (code, output, error) = await Cli.RunAsync("table", runs.Base, "--paper", "table4", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        Assert.Contains("| benchmark | LLaDA-V dialogue-causal (LLaVA-NeXT data) (paper) | LLaDA-V no-mask (LLaVA-NeXT data) (paper) | base (sample data) (run) |", output, StringComparison.Ordinal);
        Assert.Contains("| MMMU val | 42.89 | 44.67 | 80.00 |", output, StringComparison.Ordinal);
        Assert.Contains("| MuirBench | 28.69 | 33.88 | - |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scaling_plot_ticks_at_each_checkpoint_and_titles_a_single_panel_once()
    {
        // BASE is tagged 3M and NEW 1M: the paper marks its checkpoints, so the axis labels 1M and 3M, not 2M or 5M.
        var plots = Path.Combine(_scratch, "plots");
        var (code, output, error) = await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", plots, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        var texts = SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(plots, "scaling.svg"), TestContext.Current.CancellationToken));
        Assert.Contains("1M", texts);
        Assert.Contains("3M", texts);
        Assert.DoesNotContain("2M", texts);
        Assert.DoesNotContain("5M", texts);

        var single = SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(plots, "scaling_mmmu_val.svg"), TestContext.Current.CancellationToken));
        Assert.Single(single, t => t.Contains("MMMU (mmmu_val)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tradeoff_plot_of_flat_zero_scores_labels_no_negative_percent_and_no_undrawn_frontier()
    {
        var sweep = Path.Combine(_scratch, "sweep");
        await ReportRunsFixture.Sweep(sweep);
        foreach (var (value, tps) in new[] { ("2", 10.0), ("8", 24.0) })
        {
            // A timed backend's throughput, and a checkpoint that gets every doc wrong: a flat 0 % line.
            var dir = Path.Combine(sweep, $"refresh_interval-{value}");
            await ReportRunsFixture.EditJson(Path.Combine(dir, "timing.json"), t => t["mmmu_val"]!["tokens_per_second"] = tps);
            await ReportRunsFixture.EditJson(Path.Combine(dir, "results.json"), r => r["results"]!["mmmu_val"]!["mmmu_acc,none"] = 0.0);
        }

        var plots = Path.Combine(_scratch, "tradeoff");
        var (code, output, error) = await Cli.RunAsync("plot", "tradeoff", sweep, "--out", plots);
        Assert.True(code == 0, output + error);
        var texts = SvgTexts.Of(await File.ReadAllTextAsync(Path.Combine(plots, "tradeoff.svg"), TestContext.Current.CancellationToken));
        var numbers = texts.Where(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers, n => Assert.InRange(n, 0, 100));

        // (10, 0) and (24, 0): the frontier is the one point (24, 0), a line of nothing; the legend must not list it.
        Assert.DoesNotContain("ours: Pareto frontier", texts);
        Assert.Contains("ours: LLaDA-V", texts);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\| \[(?<lo>[-+]?[0-9.]+), (?<hi>[-+]?[0-9.]+)\] \| [^|]+ \| [^|]+ \| (?<p>[0-9.e+-]+) \| (?<adj>[0-9.e+-]+) \| (?<verdict>[^|]+?) \|")]
    private static partial Regex Row();
}
