using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Compare;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>The per-sample score rules: task-specific MMMU, then the documented fallback chain.</summary>
public sealed class PerSampleScoreTests
{
    private static double Score(string task, string metric, string json) => PerSampleScore.Score(task, metric, JsonNode.Parse(json));

    [Theory]
    [InlineData("{\"id\":\"validation_Art_1\",\"question_type\":\"multiple-choice\",\"answer\":\"C\",\"parsed_pred\":\"C\"}", 1)]
    [InlineData("{\"id\":\"validation_Math_2\",\"question_type\":\"multiple-choice\",\"answer\":\"A\",\"parsed_pred\":\"D\"}", 0)]
    [InlineData("{\"question_type\":\"multiple-choice\",\"answer\":[\"A\",\"B\"],\"parsed_pred\":\"B\"}", 1)]
    public void Should_score_MMMU_multiple_choice_by_letter(string json, double expected) =>
        Assert.Equal(expected, Score("mmmu_val", "mmmu_acc", json));

    [Theory]
    [InlineData("{\"question_type\":\"open\",\"answer\":\"9.8\",\"parsed_pred\":[9.8,\"9.80 m/s^2\"]}", 1)] // numeric match (eval_open)
    [InlineData("{\"question_type\":\"open\",\"answer\":\"1789\",\"parsed_pred\":[1066.0]}", 0)]
    [InlineData("{\"question_type\":\"open\",\"answer\":\"paris\",\"parsed_pred\":[[\"the capital is paris\"]]}", 1)] // 2025 shape: gold text inside a candidate
    [InlineData("{\"question_type\":\"open\",\"answer\":\"paris\",\"parsed_pred\":[\"the capital is paris\"]}", 0)] // 75571cf shape: a string, iterated by character
    public void Should_score_MMMU_open_questions_with_eval_open(string json, double expected) =>
        Assert.Equal(expected, Score("mmmu_val", "mmmu_acc", json));

    [Fact]
    public void Should_read_MMStar_scores_from_the_score_field() =>
        Assert.Equal(1, Score("mmstar", "average", "{\"question_id\":0,\"category\":\"coarse perception\",\"l2_category\":\"x\",\"score\":1}"));

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("1", 1)]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    [InlineData("{\"answer\":\"B\",\"parsed_pred\":\"B\"}", 1)]
    [InlineData("{\"answer\":\"B\",\"parsed_pred\":\"C\"}", 0)]
    public void Should_fall_back_from_number_to_bool_to_score_to_answer_match(string json, double expected) =>
        Assert.Equal(expected, Score("some_task", "acc", json));

    [Fact]
    public void Should_refuse_a_value_it_cannot_score_and_say_what_it_expects()
    {
        var e = Assert.Throws<DataException>(() => Score("some_task", "acc", "{\"foo\":\"bar\"}"));
        Assert.Contains("some_task", e.Message, StringComparison.Ordinal);
        Assert.Contains("numeric 'score'", e.Message, StringComparison.Ordinal);
    }
}
