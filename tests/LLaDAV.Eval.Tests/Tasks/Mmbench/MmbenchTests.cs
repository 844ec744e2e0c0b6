using System.Text.Json.Nodes;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mmbench;

namespace LLaDAV.Eval.Tests.Tasks.Mmbench;

public sealed class MmbenchTests
{
    private static readonly KeyValuePair<string, string>[] s_choices = [new("A", "dog"), new("B", "cat"), new("C", "bird")];

    [Theory]
    [InlineData("A", "A")]
    [InlineData("E", "E")] // A–E are always candidates, whatever the row's options
    [InlineData("B.", "B")]
    [InlineData("(C).", "C")]
    [InlineData("(C)", "C")]
    [InlineData(":D", "D")]
    [InlineData("Option B is correct", "B")]
    [InlineData("The answer is A", null)] // "A" among more than three tokens: the quantifier guard drops the bare-token rule
    [InlineData("A B", null)] // two bare letters: ambiguous
    [InlineData("B. or C.", null)] // two letters in the same wrapping
    [InlineData("Failed to obtain answer via API", null)]
    [InlineData("", null)]
    public void Should_infer_an_option_letter_like_can_infer_option(string answer, string? expected)
    {
        Assert.Equal(expected, MmbenchInference.CanInferOption(answer));
    }

    [Theory]
    [InlineData("I see a Cat on the mat", "B")]
    [InlineData("a cat chasing a bird", null)] // two option texts occur
    [InlineData("nothing here", null)]
    public void Should_infer_by_option_text_when_no_letter_is_found(string answer, string? expected)
    {
        Assert.Equal(expected, MmbenchInference.CanInfer(answer, s_choices)?.Letter);
    }

    [Fact]
    public void Should_build_the_prompt_with_hint_and_options_block()
    {
        Assert.Equal(
            "The picture shows a single shape. What color is the square? There are several options:\nA. red\nB. blue\n\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt("mmbench_en_dev", 0));
        Assert.Equal(
            "Which animal is shown? There are several options:\nA. dog\nB. bird\nC. cat\n\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt("mmbench_en_dev", 1, "lladav"));
    }

    [Fact]
    public void Should_record_which_rule_decided_each_sample_row()
    {
        var scores = TaskSamples.ScoreAll("mmbench_en_dev");
        Assert.Equal("mmbench.can_infer_option", scores[0].Extraction.Rule);
        Assert.Equal("mmbench.can_infer_text", scores[5].Extraction.Rule); // "A cat is sitting on the mat": quantifier guard, then text "cat"
        Assert.Equal(ExtractionStatus.Unparseable, scores[3].Extraction.Status); // empty response, no judge
        Assert.Equal("extract_mcq_answer.end", scores[6].Extraction.Rule); // "...the first option, A"
        Assert.Equal(ExtractionStatus.Fallback, scores[6].Extraction.Status);
        Assert.Equal("A", scores[6].Extraction.Answer);
    }

    [Fact]
    public void Should_aggregate_the_sample_with_circular_eval_to_a_hand_computed_score()
    {
        // tasks/mmbench/sample (index: gold, response → letter):
        //   Q0: 0: A "A" → A ✓;  1000000: B "B. blue" → "B." wrapping → B ✓                      → hit 1
        //   Q1: 1: C "(C)" → C ✓;  1000001: A "A cat is sitting on the mat" → text "cat" → A ✓;
        //       2000001: B "I think it is D" → bare "D" → D ✗                                     → hit 0
        //   Q2: 2: B "Option B is correct" → B ✓;  1000002: A "My choice would be the first option, A"
        //       → no can_infer; extract_mcq_answer end-of-text → A ✓                             → hit 1
        //   Q3: 3: A "" → nothing → ✗                                                            → hit 0
        // gpt_eval_score = mean(1, 0, 1, 0) × 100 = 50.
        var result = TaskSamples.Aggregate("mmbench_en_dev", TaskSamples.ScoreAll("mmbench_en_dev"));
        Assert.Equal(50.0, result["gpt_eval_score"].Value);

        // Categories: attribute_recognition {Q0 1, Q3 0} = 50; object_localization {Q1 0} = 0; spatial_relationship {Q2 1} = 100.
        Assert.Equal(
            [new("attribute_recognition", 50.0), new("object_localization", 0.0), new("spatial_relationship", 100.0)],
            result["gpt_eval_score"].Breakdown.ToArray());
        Assert.Equal(50.0, TaskSamples.Aggregate("mmbench_en_dev_static", TaskSamples.ScoreAll("mmbench_en_dev_static"))["gpt_eval_score"].Value);
    }

    [Fact]
    public void Should_count_only_base_questions_present_and_fail_a_group_on_any_wrong_copy()
    {
        JsonNode Row(long index, string answer, string pred) => new JsonObject { ["index"] = index, ["answer"] = answer, ["pred_letter"] = pred, ["category"] = "c" };

        // Base 7 has copies right and wrong → 0; base 8 has all right → 1; copy 1000009 without its base is ignored.
        var result = MmbenchFamily.AggregateCircular([Row(1000007, "B", "B"), Row(7, "A", "A"), Row(2000007, "C", "D"), Row(8, "A", "A"), Row(1000009, "A", "A")]);
        Assert.Equal(50.0, result.Value);
        Assert.Null(MmbenchFamily.AggregateCircular([]).Value);
    }
}
