using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mathverse;

namespace LLaDAV.Eval.Tests.Tasks.Mathverse;

public sealed class MathverseTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData(" 0 ", false)]
    [InlineData("Judgement: 1", true)]
    [InlineData("[1]", true)]
    [InlineData("Score: 1", true)]
    [InlineData("0 (the answer 12 is wrong)", true)] // any "1" counts: upstream's substring rule, kept as is
    [InlineData("No", false)]
    public void Should_parse_binary_judge_replies_by_substring(string reply, bool expected)
    {
        Assert.Equal(expected, MathverseFamily.ParseBinary(reply));
    }

    [Fact]
    public void Should_prompt_with_query_wo_by_default_and_query_cot_for_lladav()
    {
        Assert.Equal(
            "According to the question shown in the image, please directly answer the question and provide the correct option letter, e.g., A, B, C, D.",
            TaskSamples.Prompt("mathverse_testmini_vision_only", 0));
        Assert.Equal(
            "According to the question shown in the image, please first conduct reasoning, and then answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.",
            TaskSamples.Prompt("mathverse_testmini_vision_only", 0, "lladav"));
    }

    [Fact]
    public void Should_score_the_sample_by_quick_match_without_a_judge()
    {
        // gold/response: B/"B" ✓, B/"B. 8" ✗ (exact equality only), 5/"5" ✓, 12/"" ✗ → (1+0+1+0)/4 = 0.5.
        var scores = TaskSamples.ScoreAll("mathverse_testmini_vision_only");
        Assert.Equal(0.5, TaskSamples.Aggregate("mathverse_testmini_vision_only", scores)["gpt_eval_score"].Value);
        Assert.All(scores.Take(3), s => Assert.Equal("mathverse.quick_match", s.Extraction.Rule));
        Assert.Equal(ExtractionStatus.Fallback, scores[0].Extraction.Status);
        Assert.Equal(ExtractionStatus.Unparseable, scores[3].Extraction.Status);
    }
}
