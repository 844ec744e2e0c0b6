using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Seedbench;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Seedbench;

/// <summary>SEED-Bench rules (lmms-eval tasks/seedbench/utils.py) checked by hand.</summary>
public sealed class SeedbenchTests
{
    private static JsonObject Record(string response, string answer)
    {
        var doc = new Doc(
            new Dictionary<string, object?> { ["answer"] = answer, ["data_type"] = "image", ["question_id"] = "q1" },
            "/nowhere",
            "/nowhere/test.jsonl");
        var score = SeedbenchFamily.ProcessResults(doc, response, new ScoringContext("seedbench", 0, 0, ScoringRules.Current, null));
        return (JsonObject)score.Get("seed_image")!;
    }

    // seed_process_result keeps the first character of the stripped response; the aggregation compares it with the
    // answer lower-cased and stripped. So "(A) …" reads "(", "Answer: B" reads "A", and a full-width "Ｂ" is not "b".
    [Theory]
    [InlineData("A", "A", 1.0)]
    [InlineData("a", "A", 1.0)]
    [InlineData("  B\n", "B", 1.0)]
    [InlineData("B. The dog", "B", 1.0)]
    [InlineData("(A) The cat", "A", 0.0)]
    [InlineData("Answer: B", "A", 1.0)]
    [InlineData("Answer: B", "B", 0.0)]
    [InlineData("The answer is B", "B", 0.0)]
    [InlineData("I think the answer is B because the dog is brown.", "B", 0.0)]
    [InlineData("\n\nD) a red car", "D", 1.0)]
    [InlineData("", "A", 0.0)]
    [InlineData("\uff22", "B", 0.0)]
    public void First_character_rule(string response, string answer, double expected)
    {
        Assert.Equal(expected, SeedbenchFamily.Accuracy([Record(response, answer)]));
    }

    [Fact]
    public void First_character_keeps_a_surrogate_pair_whole()
    {
        Assert.Equal("\U0001F600", SeedbenchFamily.FirstCharacter("\U0001F600 smile"));
        Assert.Equal("\U0001F600", SeedbenchFamily.FirstCharacter("\U0001F600"));
    }

    [Fact]
    public void No_items_has_no_value()
    {
        Assert.Null(SeedbenchFamily.Accuracy([]));
    }

    [Fact]
    public void Prompt_lists_the_four_choices_and_the_instruction()
    {
        Assert.Equal(
            "How many people are standing in the scene?\nA. One\nB. Two\nC. Three\nD. Four\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt("seedbench", 0, "lladav"));
    }

    [Fact]
    public void Image_items_give_one_image_and_video_items_their_frames()
    {
        var task = TaskSamples.Task("seedbench");
        var docs = TaskSamples.Docs(task);

        var image = task.DocToVisual(docs[0], PromptKwargs.Empty);
        var video = task.DocToVisual(docs[3], PromptKwargs.Empty);

        Assert.Single(image);
        Assert.Equal(3, video.Count);
        Assert.All(image.Concat(video), v => Assert.True(File.Exists(((ImageRef)v).Path)));
        Assert.Equal(["image[0]", "image[1]", "image[2]"], video.Select(v => ((ImageRef)v).Column));
    }

    [Fact]
    public void Lladav_gets_the_single_block_sampler_settings_and_keeps_the_upstream_stop()
    {
        var spec = TaskSamples.Task("seedbench").Spec;

        var lladav = PromptKwargsResolver.GenerationKwargs(spec, "lladav");
        var other = PromptKwargsResolver.GenerationKwargs(spec, "llama3v");

        Assert.Equal(2L, lladav["gen_length"]);
        Assert.Equal(2L, lladav["steps"]);
        Assert.Equal("no_think", lladav["think_mode"]);
        Assert.False(other.ContainsKey("gen_length"));
        Assert.Equal("original", other["image_aspect_ratio"]);
    }

    // Sample (tasks/seedbench/sample), response → pred (first char of the stripped response) vs answer:
    //   0 image "A" → "A" = A ✓      1 image "b" → "b" = b ✓      2 image "(C) The cat" → "(" ≠ c ✗
    //   3 video "Answer: D" → "A" ≠ d ✗   4 video " A. The man is cooking" → "A" = a ✓   5 video "" → "" ≠ c ✗
    // seed_image = 2/3, seed_video = 1/3, seed_all = 3/6 = 0.5 (fractions, not percent).
    [Theory]
    [InlineData("seed_image", 2.0 / 3)]
    [InlineData("seed_video", 1.0 / 3)]
    [InlineData("seed_all", 0.5)]
    public void Golden_sample_aggregates(string metric, double expected)
    {
        foreach (var rules in new[] { ScoringRules.Current, ScoringRules.Legacy2025 })
        {
            var result = TaskSamples.Aggregate("seedbench", metric, rules);
            Assert.Equal(expected, result.Value!.Value, 12);
        }
    }
}
