using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Ocrbench;

namespace LLaDAV.Eval.Tests.Tasks.Ocrbench;

/// <summary>
/// OCRBench (lmms-eval tasks/ocrbench/utils.py): pred = response.strip(); HME100k drops "\n" and spaces from gold
/// and pred and compares case-sensitively; other datasets fold full-width ASCII, lower, strip, "\n" → " "; a sample
/// scores 1 when any gold is a substring; the task score is Σ points / 1000.
/// </summary>
public sealed class OcrbenchTests
{
    private const string Task = "ocrbench";

    [Theory]
    [InlineData("Centre", "CENTRE", false, true)] // both lower-cased: "centre" ⊂ "centre"
    [InlineData("the word is centre.", "CENTRE", false, true)] // substring, not equality
    [InlineData("cent re", "CENTRE", false, false)] // spaces kept outside HME100k
    [InlineData("total\n123", "total 123", false, true)] // "\n" → " "
    [InlineData("ｔｏｔａｌ　１２３", "total 123", false, true)] // full-width letters/digits and U+3000 folded
    [InlineData("total 123", "ＴＯＴＡＬ １２３", false, true)] // the gold is folded too
    [InlineData("x^{2}+1", "x ^ { 2 } + 1", true, true)] // HME100k: spaces removed on both sides
    [InlineData("x ^ {2}\n+ 1", "x^{2}+1", true, true)] // "\n" → " " → removed
    [InlineData("\\frac{A}{2}", "\\frac { A } { 2 }", true, true)]
    [InlineData("\\frac{a}{2}", "\\frac { A } { 2 }", true, false)] // HME100k is case-sensitive
    [InlineData("X^{2}", "x ^ { 2 }", true, false)]
    [InlineData("", "", false, true)] // "" in "" is True
    public void Substring_rule_per_dataset(string pred, string gold, bool hme, bool expected) =>
        Assert.Equal(expected, OcrbenchFamily.Matches(gold, pred, hme));

    /// <summary>
    /// Sample (dataset, type, gold, response → score): 0 IIIT5K Regular ["CENTRE"] "Centre" → 1; 1 HME100k
    /// ["x ^ { 2 } + 1"] "x^{2}+1" → 1; 2 HME100k ["\frac { A } { 2 }"] "\frac{a}{2}" → case differs → 0;
    /// 3 docVQA Doc-oriented ["total 123"] "Ｔｏｔａｌ　１２３" → folded "total 123" → 1; 4 ESTVQA Scene
    /// ["STOP", "stop sign"] "The sign says "stop"." → "stop" ⊂ → 1; 5 FUNSD KIE ["12/05/1998"] "" → 0.
    /// Points: Regular 1, HME 1, Doc-oriented 1, Scene 1, KIE 0 → 4; Text Recognition = Regular = 1;
    /// ocrbench_accuracy = 4 / 1000 (fixed denominator although only 6 docs were scored).
    /// </summary>
    [Fact]
    public void Sample_aggregate_divides_the_points_by_1000()
    {
        var result = TaskSamples.Aggregate(Task, OcrbenchFamily.Metric, "none");
        Assert.Equal(0.004, result.Value!.Value, 12);
        var breakdown = result.Breakdown.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(1.0, breakdown["Text Recognition"]);
        Assert.Equal(1.0, breakdown["Regular Text Recognition"]);
        Assert.Equal(1.0, breakdown["Handwritten Mathematical Expression Recognition"]);
        Assert.Equal(1.0, breakdown["Doc-oriented VQA"]);
        Assert.Equal(1.0, breakdown["Scene Text-centric VQA"]);
        Assert.Equal(0.0, breakdown["Key Information Extraction"]);
        Assert.Equal(4.0, breakdown["Final Score"]);
        var scores = TaskSamples.ScoreFiltered(Task);
        Assert.Equal(ExtractionStatus.Unparseable, scores[5].Score.Extraction.Status);
        Assert.Equal("ocrbench.substring_hme100k", scores[1].Score.Extraction.Rule);
    }

    [Fact]
    public void Prompt_is_the_stripped_question()
    {
        Assert.Equal("what is written in the image?", TaskSamples.Prompt(Task, 0));
        Assert.Equal(TaskSamples.Prompt(Task, 0), TaskSamples.Prompt(Task, 0, "lladav"));
        Assert.Equal(128L, LLaDAV.Eval.Tasks.PromptKwargsResolver.GenerationKwargs(TaskSamples.Task(Task).Spec, "lladav")["max_new_tokens"]);
    }
}
