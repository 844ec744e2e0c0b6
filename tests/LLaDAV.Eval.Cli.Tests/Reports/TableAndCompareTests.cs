using System.Xml.Linq;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>
/// table and compare on replay runs with known scores (see <see cref="ReportRunsFixture"/>). Expected numbers are
/// the LLaDA-V paper's (arXiv:2505.16933) and hand computations (2025 rules): MMMU 0.8 → 80.0 vs LLaDA-V's 48.6 = +31.4; MMStar 3/6 = 50.0 vs
/// 60.1 = -10.1;
/// NEW flips 3 MMMU docs right→wrong and none back: McNemar b=3, c=0, p = 2·(1/2)^3 = 0.25; delta −60 points.
/// </summary>
public sealed class TableAndCompareTests(ReportRunsFixture runs) : IClassFixture<ReportRunsFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("lladav-cmp-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Should_print_the_paper_table_alone_without_runs()
    {
        var (code, output, error) = await Cli.RunAsync("table", "--paper", "table2", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, error);
        Assert.Contains("| LLaDA-V | paper | 48.6 | 35.2 | 18.6 | 60.1 | 491 | 1507 | 74.8 | 82.9 | 28.5 | 59.7 |", output, StringComparison.Ordinal);
        Assert.Contains("| D-DiT | paper | - | - | - | - | - | 1124 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_put_our_numbers_beside_the_papers_with_signed_deltas()
    {
        var (code, output, error) = await Cli.RunAsync("table", runs.Base, "--paper", "table2", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, error);
        Assert.Contains("| base (sample data) | run vs LLaDA-V | 80.0 (+31.4) | - | - | 50.0 (-10.1) | - |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_name_the_rule_set_of_each_run_when_a_table_mixes_them()
    {
        // BASE is scored with 2025 rules, OLDRULES with current: the rows say so (issue 17 §3).
        var (code, output, error) = await Cli.RunAsync("table", runs.Base, runs.OldRules, "--paper", "table2", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, error);
        Assert.Contains("| base (scoring 2025) (sample data) | run vs LLaDA-V | 80.0 (+31.4) |", output, StringComparison.Ordinal);
        Assert.Matches(@"\(scoring current\) \(sample data\) \| [^|]+ \| 40\.0", output);

        var (_, single, _) = await Cli.RunAsync("table", runs.Base, "--paper", "table2", "--paper-data", ReportRunsFixture.PaperData);
        Assert.DoesNotContain("(scoring", single, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_csv_with_ours_paper_and_delta_columns()
    {
        var (code, output, error) = await Cli.RunAsync("table", runs.Base, "--paper", "table2", "--format", "csv", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("table,model,source,reference,MMMU val,MMMU val paper,MMMU val delta,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("table2,base (sample data),run,LLaDA-V,80.0,48.6,+31.4,", lines.Single(l => l.StartsWith("table2,base (sample data),", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_self_contained_html()
    {
        var (code, output, _) = await Cli.RunAsync("table", runs.Base, "--format", "html", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(0, code);
        Assert.Contains("<style>", output, StringComparison.Ordinal);
        Assert.Contains("Table 4: attention-mask ablation", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_table_as_a_usage_error()
    {
        var (code, _, error) = await Cli.RunAsync("table", "--paper", "table9", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(2, code);
        Assert.Contains("table2, table3, table4 or all", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_pass_the_gate_when_the_drop_is_not_significant()
    {
        // b=3, c=0 gives p = 0.25 at best: five documents cannot show a significant change at alpha 0.05.
        var (code, output, error) = await Cli.RunAsync("compare", runs.Base, runs.New, "--paper-data", ReportRunsFixture.PaperData, "--bootstrap", "2000");
        Assert.True(code == 0, output + error);
        Assert.Contains("| mmmu_val | `mmmu_acc,none` | 5 | 80.00 | 20.00 | -60.00 |", output, StringComparison.Ordinal);
        Assert.Contains("| McNemar exact | 3 / 0 | 0.25 | 0.5 | no significant change |", output, StringComparison.Ordinal);
        Assert.Contains("| mmstar | `average,none` | 6 | 50.00 | 50.00 | 0.00 |", output, StringComparison.Ordinal);
        Assert.Contains("2000 resamples, seed 1234", output, StringComparison.Ordinal);
        Assert.Contains("PASSED: no significant change", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_the_gate_on_a_significant_drop_beyond_the_allowed_one()
    {
        var junit = Path.Combine(_scratch, "compare.xml");
        var markdown = Path.Combine(_scratch, "summary.md");
        var (code, output, error) = await Cli.RunAsync("compare", runs.Base, runs.New, "--tasks", "mmmu_val", "--alpha", "0.3", "--junit", junit, "--markdown", markdown, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 1, output + error);
        Assert.Contains("regressed (gate failed)", output, StringComparison.Ordinal);
        Assert.Equal(output, await File.ReadAllTextAsync(markdown, TestContext.Current.CancellationToken));
        var doc = XDocument.Load(junit);
        var testCase = doc.Descendants("testcase").Single();
        Assert.Equal("mmmu_val", (string)testCase.Attribute("name")!);
        Assert.Equal("SignificantRegression", (string)testCase.Element("failure")!.Attribute("type")!);
        Assert.Equal("1", (string)doc.Root!.Attribute("failures")!);
    }

    [Fact]
    public async Task Should_pass_a_significant_drop_within_the_allowed_drop()
    {
        var (code, output, error) = await Cli.RunAsync("compare", runs.Base, runs.New, "--tasks", "mmmu_val", "--alpha", "0.3", "--max-drop", "70", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        Assert.Contains("regressed (within allowed drop)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_report_an_improvement_when_new_and_base_are_swapped()
    {
        var (code, output, _) = await Cli.RunAsync("compare", runs.New, runs.Base, "--tasks", "mmmu_val", "--alpha", "0.3", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(0, code);
        Assert.Contains("| +60.00 |", output, StringComparison.Ordinal);
        Assert.Contains("| improved |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_runs_scored_with_different_rules()
    {
        var (code, _, error) = await Cli.RunAsync("compare", runs.Base, runs.OldRules, "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(2, code);
        Assert.Contains("different scoring rules", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_task_missing_from_one_run()
    {
        var (code, _, error) = await Cli.RunAsync("compare", runs.Base, runs.New, "--tasks", "mme", "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(2, code);
        Assert.Contains("not in both runs", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_runs_with_different_task_versions()
    {
        // A copy of NEW whose results.json says mmmu_val is at version 1 (the shipped task is version 0).
        var copy = Path.Combine(_scratch, "new_v1");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(runs.New))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var results = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(copy, "results.json"), TestContext.Current.CancellationToken))!;
        results["versions"]!["mmmu_val"] = 1;
        await File.WriteAllTextAsync(Path.Combine(copy, "results.json"), results.ToJsonString(), TestContext.Current.CancellationToken);
        var (code, _, error) = await Cli.RunAsync("compare", runs.Base, copy, "--paper-data", ReportRunsFixture.PaperData);
        Assert.Equal(2, code);
        Assert.Contains("has version '0' in BASE (", error, StringComparison.Ordinal);
        Assert.Contains("but '1' in NEW (" + Path.Combine(copy, "results.json") + ")", error, StringComparison.Ordinal);
    }
}
