using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Chartqa;

namespace LLaDAV.Eval.Tests.Tasks.Chartqa;

/// <summary>
/// ChartQA relaxed accuracy (lmms-eval tasks/chartqa/utils.py relaxed_correctness; docs/LMMS-EVAL.md §1.14 F, §2.10).
/// Expected values are derived by hand from the rule: p = _to_float(pred), t = _to_float(target); if p is not None
/// and t is truthy → |p − t| / |t| ≤ 0.05, else pred.lower() == target.lower().
/// </summary>
public sealed class ChartqaTests
{
    private const string Task = "chartqa";

    [Theory]
    [InlineData("45", "45", true)] // |45-45|/45 = 0
    [InlineData("105", "100", true)] // 5/100 = 0.05 ≤ 0.05: the bound is inclusive
    [InlineData("95", "100", true)] // 5/100 = 0.05
    [InlineData("106", "100", false)] // 6/100 = 0.06
    [InlineData("45%", "0.45", true)] // float("45")/100 = 0.45
    [InlineData("0.45", "45%", true)]
    [InlineData("45", "45%", false)] // 45 vs 0.45: |45-0.45|/0.45 ≈ 99
    [InlineData("45%%", "0.45", true)] // rstrip("%") drops every trailing '%'
    [InlineData("1,000", "1000", false)] // float("1,000") raises → "1,000" != "1000"
    [InlineData("1_000", "1000", true)] // float("1_000") = 1000.0 (PEP 515)
    [InlineData("1e3", "1000", true)]
    [InlineData(" 12 ", "12", true)] // float() ignores surrounding whitespace
    [InlineData("12 kg", "12", false)] // not a float → "12 kg" != "12"
    [InlineData("１２", "12", true)] // float() reads Unicode decimal digits: full-width "１２" = 12.0
    [InlineData("１２．５", "12.5", false)] // the full-width '．' is not a digit: float fails, strings differ
    [InlineData("0.0", "0", false)] // target 0.0 is falsy → string equality "0.0" != "0"
    [InlineData("0", "0", true)] // falsy target, equal strings
    [InlineData("inf", "100", false)] // |inf-100|/100 = inf
    [InlineData("inf", "inf", false)] // inf - inf = nan; nan <= 0.05 is False
    [InlineData("nan", "nan", false)] // nan is truthy, |nan-nan|/nan = nan → False (string branch not reached)
    [InlineData("Yes", "yes", true)] // string branch, case-insensitive
    [InlineData("", "Yes", false)]
    [InlineData("-5", "5", false)] // |-5-5|/5 = 2
    [InlineData("-5", "-5.1", true)] // 0.1/5.1 ≈ 0.0196
    public void Relaxed_correctness_follows_the_python_rule(string prediction, string target, bool expected) =>
        Assert.Equal(expected, RelaxedCorrectness.Evaluate(prediction, target).Correct);

    [Theory]
    [InlineData("12", "13", ExtractionStatus.Parsed, "chartqa.relaxed_correctness.numeric")]
    [InlineData("1,000", "1000", ExtractionStatus.Fallback, "chartqa.relaxed_correctness.string")]
    [InlineData("Yes", "yes", ExtractionStatus.Parsed, "chartqa.relaxed_correctness.string")]
    [InlineData("", "12", ExtractionStatus.Unparseable, "chartqa.relaxed_correctness.string")]
    public void Extraction_says_which_branch_decided(string prediction, string target, ExtractionStatus status, string rule)
    {
        var e = RelaxedCorrectness.Evaluate(prediction, target).Extraction;
        Assert.Equal(status, e.Status);
        Assert.Equal(rule, e.Rule);
    }

    [Fact]
    public void Prompt_and_generation_kwargs_match_upstream_and_the_lladav_fork()
    {
        Assert.Equal("What is the highest value in the chart?\nAnswer the question with a single word.", TaskSamples.Prompt(Task, 0));
        Assert.Equal(TaskSamples.Prompt(Task, 0), TaskSamples.Prompt(Task, 0, "lladav"));
        var spec = TaskSamples.Task(Task).Spec;
        var upstream = PromptKwargsResolver.GenerationKwargs(spec, "llama3v");
        Assert.Equal(16L, upstream["max_new_tokens"]);
        Assert.Equal(0.0, upstream["temperature"]);
        Assert.False(upstream.ContainsKey("gen_length"));
        var lladav = PromptKwargsResolver.GenerationKwargs(spec, "lladav");
        Assert.Equal(16L, lladav["gen_length"]);
        Assert.Equal(16L, lladav["steps"]);
        Assert.Equal(16L, lladav["block_length"]);
        Assert.Equal("no_think", lladav["think_mode"]);
        Assert.Equal(new List<object?> { "\n" }, lladav["stopping_criteria"]);
    }

    [Fact]
    public void Split_keys_follow_the_type_column()
    {
        var task = TaskSamples.Task(Task);
        var docs = TaskSamples.Docs(task);
        var human = task.ProcessResults(docs[0], "45", TaskSamples.Context(Task, 0));
        Assert.Equal([ChartqaFamily.Overall, ChartqaFamily.HumanSplit], human.Metrics.Select(m => m.Key));
        var augmented = task.ProcessResults(docs[1], "45%", TaskSamples.Context(Task, 1));
        Assert.Equal([ChartqaFamily.Overall, ChartqaFamily.AugmentedSplit], augmented.Metrics.Select(m => m.Key));
    }

    /// <summary>
    /// The 8 sample docs (type, answer, response → score), by the rule:
    /// 0 human 45 "45" → 1; 1 aug 0.45 "45%" → 0.45 = 0.45 → 1; 2 human 1000 "1,000" → not a float, strings differ → 0;
    /// 3 aug 12.5 "13" → 0.5/12.5 = 0.04 → 1; 4 human 12.5 "13.2" → 0.7/12.5 = 0.056 → 0; 5 aug "Yes" "yes" → 1;
    /// 6 human 0 "0.0" → falsy target, "0.0" != "0" → 0; 7 aug 1000 "1_000" → 1.
    /// relaxed_overall = 5/8; human (0,2,4,6) = 1/4; augmented (1,3,5,7) = 4/4.
    /// </summary>
    [Fact]
    public void Sample_aggregates_match_the_hand_computed_values()
    {
        Assert.Equal(0.625, TaskSamples.Aggregate(Task, ChartqaFamily.Overall, "none").Value!.Value, 12);
        Assert.Equal(0.25, TaskSamples.Aggregate(Task, ChartqaFamily.HumanSplit, "none").Value!.Value, 12);
        Assert.Equal(1.0, TaskSamples.Aggregate(Task, ChartqaFamily.AugmentedSplit, "none").Value!.Value, 12);
        Assert.Equal(
            [ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Fallback, ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Parsed],
            TaskSamples.ScoreFiltered(Task).Select(s => s.Score.Extraction.Status));
    }
}
