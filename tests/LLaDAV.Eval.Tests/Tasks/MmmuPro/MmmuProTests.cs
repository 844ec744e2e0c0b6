using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.MmmuPro;

namespace LLaDAV.Eval.Tests.Tasks.MmmuPro;

public sealed class MmmuProTests
{
    private const string StandardRow = """{"id": "test_Math_9", "question": "Which is largest?", "options": "['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']", "answer": "B", "subject": "Math"}""";

    private const string VisionRow = """{"id": "test_Math_9", "image": {"bytes": null, "path": "x.png"}, "options": "['1', '2']", "answer": "A", "subject": "Math"}""";

    private static SampleScore Standard(string response) => MmmuProFamily.ProcessResults(TaskSamples.Row(StandardRow), response, TaskSamples.Context("mmmu_pro_standard"));

    [Theory]
    [InlineData("B", "B")]
    [InlineData("(B)", "B")]
    [InlineData("The answer is (C).", "C")] // brackets win; the trailing "." is stripped first
    [InlineData("B. 2", "B")]
    [InlineData("(A) is wrong, the answer is (D)", "D")] // several bracketed letters: the last occurrence wins
    [InlineData("I think the answer is B", "B")] // " I " and " B " are both "X " candidates; argmax of rfind(" X ") → B
    [InlineData("the correct one is 3 and not 7, since 3 is the largest here", "C")] // > 5 words: option texts; "3" (C) and "7" (G) occur, rfind of "3" is later
    public void Should_parse_with_the_mmmu_multiple_choice_parser(string response, string expected)
    {
        var score = Standard(response);
        Assert.Equal(expected, (string)score.Get("mmmu_acc")!["parsed_pred"]!);
        Assert.Equal(ExtractionStatus.Parsed, score.Extraction.Status);
    }

    [Fact]
    public void Should_fall_back_to_random_for_a_boxed_letter_as_lmms_eval_does()
    {
        // "\boxed{C}": no "(C)", "C " or "C.", and one word, so parse_multi_choice_response has no candidate and
        // lmms-eval draws random.choice; here a doc-seeded draw, identical on every run.
        var score = Standard("\\boxed{C}");
        Assert.Equal(ExtractionStatus.Fallback, score.Extraction.Status);
        Assert.Contains(score.Extraction.Answer, "ABCDEFGHIJ".Select(c => c.ToString()));
        Assert.Equal(score.Extraction, Standard("\\boxed{C}").Extraction);
    }

    [Fact]
    public void Should_fall_back_to_a_seeded_random_letter_on_an_empty_response()
    {
        var score = Standard("");
        Assert.Equal(ExtractionStatus.Fallback, score.Extraction.Status);
        Assert.Equal("mmmu.parse_multi_choice_response.random_choice", score.Extraction.Rule);
        Assert.Contains((string)score.Get("mmmu_acc")!["parsed_pred"]!, "ABCDEFGHIJ".Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("A", 1.0)]
    [InlineData(" A\n", 1.0)]
    [InlineData("A.", 0.0)]
    [InlineData("(A)", 0.0)]
    [InlineData("a", 0.0)]
    [InlineData("The answer is A", 0.0)]
    [InlineData("", 0.0)]
    public void Should_score_vision_rows_by_raw_equality(string response, double expected)
    {
        var score = MmmuProFamily.ProcessResults(TaskSamples.Row(VisionRow), response, TaskSamples.Context("mmmu_pro_vision"));
        Assert.Equal("mmmu_pro.raw_equality", score.Extraction.Rule);
        Assert.Equal(expected, MmmuProFamily.Aggregate([score.Get("mmmu_acc")]).Value);
    }

    [Fact]
    public void Should_build_the_standard_and_vision_prompts()
    {
        Assert.Equal(
            "<image 1> Which account is credited when cash is received for services not yet performed?\nA. Cash\nB. Revenue\nC. Unearned revenue\nD. Accounts receivable\nE. Equity\nF. Expense\nG. Prepaid expense\nH. Inventory\nI. Supplies\nJ. Payables\n\nAnswer with the option letter from the given choices directly.",
            TaskSamples.Prompt("mmmu_pro_standard", 0));
        Assert.Equal("Answer with the option letter from the given choices directly.", TaskSamples.Prompt("mmmu_pro_vision", 0));
        Assert.Equal(TaskSamples.Prompt("mmmu_pro_vision", 0), TaskSamples.Prompt("mmmu_pro_vision", 0, "lladav"));
    }

    [Fact]
    public void Should_take_standard_images_in_tag_order_sorted_as_strings()
    {
        var def = TaskSamples.Task("mmmu_pro_standard");
        var visuals = def.DocToVisual(TaskSamples.Docs("mmmu_pro_standard")[1], Eval.Tasks.Hooks.PromptKwargs.Empty);
        Assert.Equal(["image_1", "image_2"], visuals.Cast<ImageRef>().Select(v => v.Column));
        var vision = TaskSamples.Task("mmmu_pro_vision").DocToVisual(TaskSamples.Docs("mmmu_pro_vision")[0], Eval.Tasks.Hooks.PromptKwargs.Empty);
        Assert.Equal(["image"], vision.Cast<ImageRef>().Select(v => v.Column));
    }

    [Fact]
    public void Should_aggregate_the_standard_sample_to_hand_computed_accuracy()
    {
        // tasks/mmmu_pro/sample, standard (gold, response → parsed):
        //   0 Accounting C, "C"                                → " C " has "C " → C ✓
        //   1 Math B, "The answer is (D)."                      → "." stripped, "(D)" → D ✗
        //   2 Math J, "I am not sure about this."               → " I am" has "I " → I ✗
        //   3 History A, "The building clearly shows the Baroque style of the era"
        //                                                       → 10 words > 5, only option text "baroque" occurs → A ✓
        // overall = 2/4 = 0.5; Accounting 1.0, Math 0.0, History 1.0.
        var result = TaskSamples.Aggregate("mmmu_pro_standard", TaskSamples.ScoreAll("mmmu_pro_standard"));
        Assert.Equal(0.5, result["mmmu_acc"].Value);
        Assert.Contains(new KeyValuePair<string, double>("Math", 0.0), result["mmmu_acc"].Breakdown);
        Assert.Contains(new KeyValuePair<string, double>("Overall-Business", 1.0), result["mmmu_acc"].Breakdown);
    }

    [Fact]
    public void Should_aggregate_the_vision_sample_to_hand_computed_accuracy()
    {
        // gold/response: A/"A" ✓, A/"A." ✗, C/"B" ✗, D/"D" ✓, B/"The answer is B" ✗ → 2/5 = 0.4.
        var result = TaskSamples.Aggregate("mmmu_pro_vision", TaskSamples.ScoreAll("mmmu_pro_vision"));
        Assert.Equal(0.4, result["mmmu_acc"].Value);
    }
}
