using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Videomme;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Videomme;

/// <summary>Video-MME rules (lmms-eval tasks/videomme/utils.py, _task_utils/mcq_extract.py) checked by hand.</summary>
public sealed class VideommeTests
{
    // Current: extract_mcq_answer over A-D.
    //   "Based on the video, the answer is D": phrase(7) D and end(9) D; "B" of "Based" is followed by a letter → D
    //   "Definitely not C": end(9) C; "D" of "Definitely" is followed by a letter → C
    //   "(b)", "\uff22": no upper-case choice letter anywhere → ""
    [Theory]
    [InlineData("A", "A")]
    [InlineData("The answer is C.", "C")]
    [InlineData("Based on the video, the answer is D", "D")]
    [InlineData("Definitely not C", "C")]
    [InlineData("Answer: the correct option is C", "C")]
    [InlineData("(B) The player passes the ball.", "B")]
    [InlineData("(b)", "")]
    [InlineData("\uff22", "")]
    [InlineData("", "")]
    public void Current_rule_is_the_shared_mcq_extractor(string response, string expected)
    {
        Assert.Equal(expected, VideommeFamily.CurrentExtract(response).Answer);
    }

    // Legacy2025 (extract_characters_regex): drop the prefixes (case-sensitive), "" if > 10 words without a capital
    // A-D, else the first capital A-D anywhere.
    //   "Based on the video, the answer is D" → "B" (from "Based"; lower-case "the answer is" is no prefix)
    //   "Answer: the correct option is C" → "A" (from "Answer")
    //   "The best option isThe correct option is B" → the concatenated prefix is removed → " B" → "B"
    //   "The best option is B" → only "The answer…" style prefixes match; "The best option is B" keeps its text,
    //     and its first capital A-D is "B"
    [Theory]
    [InlineData("A", "A")]
    [InlineData("The answer is C.", "C")]
    [InlineData("Based on the video, the answer is D", "B")]
    [InlineData("Definitely not C", "D")]
    [InlineData("Answer: the correct option is C", "A")]
    [InlineData("The best option isThe correct option is B", "B")]
    [InlineData("The best option is B", "B")]
    [InlineData("i am not sure what happens in this clip because the footage is far too dark", "")]
    [InlineData("the video shows a crowd cheering loudly at the end of a close game so (C)", "C")]
    [InlineData("(b)", "")]
    [InlineData("", "")]
    public void Legacy_rule_takes_the_first_capital_letter(string response, string expected)
    {
        Assert.Equal(expected, VideommeFamily.LegacyExtract(response).Answer);
    }

    [Fact]
    public void Prompt_has_the_subtitle_wording_options_and_a_blank_line_before_the_post_prompt()
    {
        var expected =
            "Select the best answer to the following multiple-choice question based on the video and the subtitles. Respond with only the letter (A, B, C, or D) of the correct option.\n" +
            "How many flags appear in the video?\nA. One.\nB. Two.\nC. Three.\nD. Four.\n\nAnswer with the option's letter from the given choices directly.";

        Assert.Equal(expected, TaskSamples.Prompt("videomme", 1, "lladav"));
        Assert.Equal(expected, TaskSamples.Prompt("videomme", 1, "default"));
    }

    [Fact]
    public void Without_a_post_prompt_key_the_prompt_ends_with_the_best_answer_is()
    {
        var doc = TaskSamples.Docs(TaskSamples.Task("videomme"))[0];

        Assert.EndsWith("D. A city burns.\nThe best answer is:", VideommeFamily.DocToText(doc, PromptKwargs.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void Visual_tries_mp4_then_MP4_under_data()
    {
        var task = TaskSamples.Task("videomme");
        var doc = TaskSamples.Docs(task)[3];
        var root = Path.Combine(TestPaths.SampleSnapshot("videomme", "lmms-eval/Video-MME"), "data");

        var video = Assert.IsType<VideoRef>(Assert.Single(task.DocToVisual(doc, PromptKwargs.Empty)));

        Assert.Equal(Path.Combine(root, "lHCMKOxXIp4.MP4"), video.Path);
        Assert.Equal([Path.Combine(root, "lHCMKOxXIp4.mp4"), Path.Combine(root, "lHCMKOxXIp4.MP4")], video.SearchedPaths);
    }

    // Sample (tasks/videomme/sample), answer and response → Current / Legacy2025 prediction:
    //   0 short  Temporal Perception  A "A"                                   → A ✓ / A ✓
    //   1 short  Counting Problem     C "The answer is C."                    → C ✓ / C ✓
    //   2 short  OCR Problems         B "Based on the video, the answer is D" → D ✗ / B ✓
    //   3 medium Action Recognition   D ""                                    → "" ✗ / "" ✗
    //   4 medium Object Reasoning     D "Definitely not C"                    → C ✗ / D ✓
    //   5 medium Information Synopsis C "Answer: the correct option is C"     → C ✓ / A ✗
    // Current: 3 of 6 → 100·3/6 = 50; short 2/3, medium 1/3. Legacy2025: 4 of 6 → 200/3.
    [Fact]
    public void Golden_sample_micro_average_current()
    {
        var result = TaskSamples.Aggregate("videomme", VideommeFamily.MetricName, ScoringRules.Current);

        Assert.Equal(50.0, result.Value!.Value, 12);
        var b = result.Breakdown.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(200.0 / 3, b["duration/short"], 12);
        Assert.Equal(100.0 / 3, b["duration/medium"], 12);
        Assert.Equal(200.0 / 3, b["domain/Knowledge"], 12);
        Assert.Equal(100.0 / 3, b["sub_category/Basketball"], 12);
        Assert.Equal(0.0, b["task_type/OCR Problems"]);
        Assert.Equal(100.0, b["task_type/Information Synopsis"]);
        Assert.False(b.ContainsKey("duration/long"));
    }

    [Fact]
    public void Golden_sample_micro_average_legacy_2025()
    {
        var result = TaskSamples.Aggregate("videomme", VideommeFamily.MetricName, ScoringRules.Legacy2025);

        Assert.Equal(200.0 / 3, result.Value!.Value, 12);
    }
}
