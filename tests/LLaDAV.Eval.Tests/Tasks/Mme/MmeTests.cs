using System.Text.Json.Nodes;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mme;

namespace LLaDAV.Eval.Tests.Tasks.Mme;

public sealed class MmeTests
{
    [Theory]
    [InlineData("Yes", "yes")]
    [InlineData("no.", "no")]
    [InlineData("  NO  ", "no")]
    [InlineData("y", "yes")]
    [InlineData("N", "no")]
    [InlineData("Y.", "yes")] // "." removed first → "y"
    [InlineData("x", "other")]
    [InlineData("", "other")] // len 0: not yes/no, not one char, "" has neither in its first four
    [InlineData("Yes, it is.", "yes")]
    [InlineData("No, there is not.", "no")]
    [InlineData("Not at all", "no")] // "not " contains "no"
    [InlineData("None", "no")]
    [InlineData("The answer is yes", "other")] // only the first four characters are searched
    [InlineData("I think not", "other")]
    [InlineData("...yes", "yes")] // dots removed anywhere
    [InlineData("oyes", "yes")]
    [InlineData("ｙｅｓ", "other")]
    public void Should_parse_like_the_otter_parser(string response, string expected)
    {
        Assert.Equal(expected, MmeFamily.ParsePrediction(response).Label);
    }

    [Fact]
    public void Should_put_a_record_under_the_perception_or_the_cognition_key_only()
    {
        var perception = MmeFamily.ProcessResults(TaskSamples.Row("""{"question_id": "a.jpg", "question": "q", "answer": "Yes", "category": "OCR"}"""), "yes", TaskSamples.Context());
        Assert.Equal(["mme_perception_score"], perception.Metrics.Select(m => m.Key));
        Assert.Equal(1.0, (double)perception.Get("mme_perception_score")!["score"]!);
        var cognition = MmeFamily.ProcessResults(TaskSamples.Row("""{"question_id": "b.png", "question": "q", "answer": "No.", "category": "text_translation"}"""), "maybe", TaskSamples.Context());
        Assert.Equal(["mme_cognition_score"], cognition.Metrics.Select(m => m.Key));
        Assert.Equal(0.0, (double)cognition.Get("mme_cognition_score")!["score"]!);
        Assert.Equal(ExtractionStatus.Unparseable, cognition.Extraction.Status);
        Assert.Equal("mme.parse_pred_ans.prefix4", cognition.Extraction.Rule);
    }

    [Fact]
    public void Should_replace_the_yes_or_no_instruction_with_the_post_prompt()
    {
        Assert.Equal("Is there a dog in this image?\nAnswer the question using a single word or phrase.", TaskSamples.Prompt("mme", 0));
        Assert.Equal(TaskSamples.Prompt("mme", 0), TaskSamples.Prompt("mme", 0, "lladav"));
    }

    [Fact]
    public void Should_aggregate_the_sample_to_hand_computed_scores()
    {
        // tasks/mme/sample (image: gold/response → parsed):
        //   existence img 6040:  Yes/"Yes" → yes ✓; No/"No, there is not." → "no, there is not" prefix "no, " → no ✓
        //                        acc 100 + acc+ 100 = 200
        //   existence img 18150: Yes/"yes." → yes ✓; No/"Yes" → yes ✗ → acc 50 + acc+ 0 = 50
        //   existence = (200 + 50) / 2 = 125
        //   count img 24021:     Yes/"Y" → yes ✓; No/"Not at all" → prefix "not " → no ✓ → 200
        //   perception = 125 + 200 = 325
        //   code_reasoning 0020: Yes/"The answer is yes" → prefix "the " → other ✗; No/"n" → no ✓ → 50 + 0 = 50
        //   cognition = 50
        var result = TaskSamples.Aggregate("mme", TaskSamples.ScoreAll("mme"));
        Assert.Equal(325.0, result["mme_perception_score"].Value);
        Assert.Equal(50.0, result["mme_cognition_score"].Value);
        Assert.Contains(new KeyValuePair<string, double>("existence", 125.0), result["mme_perception_score"].Breakdown);
    }

    [Fact]
    public void Should_leave_out_incomplete_pairs_and_report_them()
    {
        // Two images of "color": one full pair (both right → 200), one lone answer (dropped, counted).
        JsonNode Item(string qid, double score) => new JsonObject { ["question_id"] = qid, ["category"] = "color", ["score"] = score };
        var result = MmeFamily.Aggregate([Item("a", 1), Item("a", 1), Item("b", 1)]);
        Assert.Equal(200.0, result.Value);
        Assert.Contains(new KeyValuePair<string, double>("incomplete_pairs", 1), result.Breakdown);
        Assert.Null(MmeFamily.Aggregate([]).Value);
    }
}
