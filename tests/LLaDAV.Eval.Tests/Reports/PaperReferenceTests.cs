using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>The shipped paper numbers, checked against the LLaDA-V paper's (arXiv:2505.16933) tables.</summary>
public sealed class PaperReferenceTests
{
    private static readonly PaperReference s_paper = PaperReference.LoadFromRepository(TestPaths.RepoRoot);

    [Theory]
    [InlineData("table2", "LLaDA-V", "MMMU val", 48.6)]
    [InlineData("table2", "LLaMA3-V", "MMMU val", 45.4)]
    [InlineData("table2", "LLaDA-V", "MME cog.", 491)]
    [InlineData("table2", "LLaDA-V", "MME perc.", 1507)]
    [InlineData("table2", "Cambrian-1", "MME perc.", 1547)]
    [InlineData("table2", "MAmmoTH-VL", "MathVista testmini", 67.6)]
    [InlineData("table3", "LLaDA-V", "InfoVQA val", 66.3)]
    [InlineData("table3", "LLaMA3-V", "VideoMME", 55.8)]
    [InlineData("table4", "LLaDA-V no-mask (LLaVA-NeXT data)", "MuirBench", 33.88)]
    [InlineData("table4", "LLaDA-V dialogue-causal (LLaVA-NeXT data)", "MME perc.", 1412)]
    public void Should_hold_the_published_numbers(string table, string model, string column, double value) =>
        Assert.Equal(value, s_paper.Find(table, model, column)!.Value);

    [Fact]
    public void Should_leave_out_cells_the_paper_prints_as_dashes()
    {
        Assert.Null(s_paper.Find("table2", "Qwen2-VL", "MMMU-Pro vision"));
        Assert.Null(s_paper.Find("table2", "Cambrian-1", "MME cog."));
        Assert.Equal(11, s_paper.Models("table2").Length);
        Assert.Equal(5, s_paper.Models("table3").Length);
    }

    [Theory]
    [InlineData("MMMU val", "mmmu_val", "mmmu_acc,none", MetricScale.Fraction)]
    [InlineData("MMStar", "mmstar", "average,none", MetricScale.Fraction)]
    [InlineData("MME cog.", "mme", "mme_cognition_score,none", MetricScale.Points)]
    [InlineData("MME perc.", "mme", "mme_perception_score,none", MetricScale.Points)]
    [InlineData("MMBench en-dev", "mmbench_en_dev", "gpt_eval_score,none", MetricScale.Percent)]
    [InlineData("MathVista testmini", "mathvista_testmini_cot", "llm_as_judge_eval,none", MetricScale.Percent)]
    public void Should_map_columns_to_lmms_eval_task_and_metric_keys(string column, string task, string metric, MetricScale ours)
    {
        var e = s_paper.Find("table2", "LLaDA-V", column)!;
        Assert.Equal((task, metric, ours), (e.Task, e.Metric, e.OursScale));
    }

    [Fact]
    public void Should_convert_lmms_eval_fractions_to_the_papers_percent()
    {
        var mmmu = s_paper.Find("table2", "LLaDA-V", "MMMU val")!;
        Assert.Equal(80, mmmu.ToPaperScale(0.8), 12);
        var mme = s_paper.Find("table2", "LLaDA-V", "MME perc.")!;
        Assert.Equal(1507, mme.ToPaperScale(1507), 12);
    }

    [Fact]
    public void Should_hold_table_8_as_accuracy_and_throughput_per_refresh_interval()
    {
        var rows = s_paper.Table("table8").ToList();
        Assert.Equal(12, rows.Count);
        var r48 = rows.Where(e => e.Setting == "refresh_interval=48").ToList();
        Assert.Equal(56.8, r48.Single(e => e.PaperScale == MetricScale.Percent).Value);
        Assert.Equal(35.5, r48.Single(e => e.PaperScale == MetricScale.TokensPerSecond).Value);
    }

    [Fact]
    public void Should_reject_a_file_with_another_header()
    {
        var e = Assert.Throws<DataException>(() => PaperReference.Read(new StringReader("a,b\n1,2\n"), "x.csv"));
        Assert.Contains("header must be", e.Message, StringComparison.Ordinal);
    }
}
