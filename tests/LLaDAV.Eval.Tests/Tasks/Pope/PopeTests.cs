using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Pope;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Pope;

public sealed class PopeTests
{
    private static SampleScore Score(string answer, string response) =>
        PopeFamily.ProcessResults(TaskSamples.Row($$"""{"question_id": "q1", "question": "Is there a dog?", "answer": "{{answer}}"}"""), response, TaskSamples.Context());

    private static double ScoreOf(SampleScore s) => (double)s.Get("pope_accuracy")!["score"]!;

    [Theory]
    [InlineData("yes", "yes", 1.0, ExtractionStatus.Parsed)]
    [InlineData("yes", "Yes", 1.0, ExtractionStatus.Parsed)]
    [InlineData("yes", "  YES \n", 1.0, ExtractionStatus.Parsed)]
    [InlineData("no", "No", 1.0, ExtractionStatus.Parsed)]
    [InlineData("Yes", "yes", 1.0, ExtractionStatus.Parsed)] // the gold is lower-cased and stripped too
    [InlineData("yes", "Yes.", 0.0, ExtractionStatus.Unparseable)] // no punctuation removal (docs/LMMS-EVAL.md §2.16)
    [InlineData("yes", "Yes, there is a dog.", 0.0, ExtractionStatus.Unparseable)]
    [InlineData("no", "", 0.0, ExtractionStatus.Unparseable)]
    [InlineData("yes", "ｙｅｓ", 0.0, ExtractionStatus.Unparseable)] // full-width letters lower to themselves, not "yes"
    public void Should_score_by_exact_lowercase_match(string gold, string response, double expected, ExtractionStatus status)
    {
        var score = Score(gold, response);
        Assert.Equal(expected, ScoreOf(score));
        Assert.Equal(status, score.Extraction.Status);
        Assert.Equal("pope.exact_match", score.Extraction.Rule);
        Assert.Equal(PopeFamily.MetricNames, score.Metrics.Select(m => m.Key));
    }

    [Fact]
    public void Should_prompt_with_the_stripped_question_and_the_single_word_instruction()
    {
        Assert.Equal("Is there a cup in the image?\nAnswer the question using a single word or phrase.", TaskSamples.Prompt("pope", 6));
        Assert.Equal("Is there a cup in the image?\nAnswer the question using a single word or phrase.", TaskSamples.Prompt("pope", 6, "lladav"));
        Assert.Equal("Is there a cup in the image?\nYour response must be concise.", TaskSamples.Prompt("pope", 6, "plm"));
    }

    [Fact]
    public void Should_aggregate_the_sample_to_hand_computed_values()
    {
        // tasks/pope/sample, task pope (gold → response → pred):
        //   0 yes "Yes"        → yes  correct, TP
        //   1 no  "No"         → no   correct, TN
        //   2 yes "Yes."       → yes. wrong; neither TP nor FN (FN counts only pred == "no")
        //   3 no  "yes"        → yes  wrong, FP
        //   4 yes "no"         → no   wrong, FN
        //   5 no  ""           → ""   wrong
        //   6 yes "  YES "     → yes  correct, TP
        // accuracy = 3/7; precision = TP/(TP+FP) = 2/3; recall = TP/(TP+FN) = 2/3; F1 = 2·(4/9)/(4/3) = 2/3;
        // yes_ratio counts GOLD answers: 4 yes of 7 = 4/7.
        var result = TaskSamples.Aggregate("pope", TaskSamples.ScoreAll("pope"));
        Assert.Equal(3.0 / 7, result["pope_accuracy"].Value!.Value, 12);
        Assert.Equal(2.0 / 3, result["pope_precision"].Value!.Value, 12);
        Assert.Equal(2.0 / 3, result["pope_recall"].Value!.Value, 12);
        Assert.Equal(2.0 / 3, result["pope_f1_score"].Value!.Value, 12);
        Assert.Equal(4.0 / 7, result["pope_yes_ratio"].Value!.Value, 12);
    }

    [Fact]
    public void Should_score_the_split_tasks_and_give_zero_precision_when_nothing_is_predicted_yes()
    {
        // pope_random: gold yes "No" (FN), gold no "no" (TN), gold yes "Yes, there is a cup." (wrong, not FN).
        // accuracy 1/3; no "yes" predictions → precision 0; recall = 0/(0+1) = 0; F1 0; gold yes 2 of 3.
        var result = TaskSamples.Aggregate("pope_random", TaskSamples.ScoreAll("pope_random"));
        Assert.Equal(1.0 / 3, result["pope_accuracy"].Value!.Value, 12);
        Assert.Equal(0.0, result["pope_precision"].Value);
        Assert.Equal(0.0, result["pope_recall"].Value);
        Assert.Equal(0.0, result["pope_f1_score"].Value);
        Assert.Equal(2.0 / 3, result["pope_yes_ratio"].Value!.Value, 12);

        // pope_adv: gold yes "Yes" (TP), gold no "Yes" (FP): accuracy 1/2, precision 1/2, recall 1/1, F1 = 2·0.5/1.5.
        var adv = TaskSamples.Aggregate("pope_adv", TaskSamples.ScoreAll("pope_adv"));
        Assert.Equal(0.5, adv["pope_accuracy"].Value);
        Assert.Equal(0.5, adv["pope_precision"].Value);
        Assert.Equal(1.0, adv["pope_recall"].Value);
        Assert.Equal(2.0 / 3, adv["pope_f1_score"].Value!.Value, 12);
    }

    [Fact]
    public void Should_reject_a_gold_that_is_not_yes_or_no()
    {
        Assert.Throws<InvalidDataException>(() => Score("maybe", "yes"));
    }
}
