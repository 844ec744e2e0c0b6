using LLaDAV.Eval.Testing;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Mlvu;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Mlvu;

/// <summary>MLVU dev rules (lmms-eval tasks/mlvu/utils.py, _task_utils/mcq_extract.py) checked by hand.</summary>
public sealed class MlvuTests
{
    // Current: extract_mcq_answer over A-D (docs/LMMS-EVAL.md §1.14 A). Worked by hand:
    //   "A) A man…"          start(10) A beats right_paren(3) A and space(2) A → A
    //   "The answer is (C)." → phrase(7) C, parentheses(6) C → C
    //   "Option B) looks right, not A" → end(9) A beats right_paren(3) B → A
    //   "d"                   letters are matched case-sensitively: no candidate, no fallback → ""
    //   "Best option: (B"     trailing "B" with "(" before it → end(9) B
    //   "\uff21" (full-width A) is not "A" → ""
    [Theory]
    [InlineData("A) A man in a red coat", "A")]
    [InlineData("The answer is (C).", "C")]
    [InlineData("I think the answer is B", "B")]
    [InlineData("Option B) looks right, not A", "A")]
    [InlineData("d", "")]
    [InlineData("", "")]
    [InlineData("Best option: (B", "B")]
    [InlineData("\uff21", "")]
    [InlineData("After some thought about the whole video, my answer is D because of the ending", "D")]
    public void Current_rule_is_the_shared_mcq_extractor(string response, string expected)
    {
        Assert.Equal(expected, MlvuFamily.CurrentExtract(response).Answer);
    }

    // Legacy2025: the character before the first ")" of the stripped response, else the whole stripped response.
    [Theory]
    [InlineData("A) A man in a red coat", "A")]
    [InlineData("The answer is (C).", "C")]
    [InlineData("Option B) looks right, not A", "B")]
    [InlineData("I think the answer is B", "I think the answer is B")]
    [InlineData(") B", "")]
    [InlineData("  C  ", "C")]
    [InlineData("", "")]
    [InlineData("(b) small", "b")]
    public void Legacy_rule_reads_the_character_before_the_first_parenthesis(string response, string expected)
    {
        Assert.Equal(expected, MlvuFamily.LegacyExtract(response).Answer);
    }

    [Fact]
    public void Prompt_is_question_then_best_option_cue()
    {
        var expected = "What object appears on the desk in the inserted clip?\n(A) A phone\n(B) A book\n(C) A red apple\n(D) A clock\nOnly give the best option.\nBest option: (";

        Assert.Equal(expected, TaskSamples.Prompt("mlvu_dev", 2, "lladav"));
        Assert.Equal(expected, TaskSamples.Prompt("mlvu_dev", 2, "llama3v"));
    }

    [Fact]
    public void Visual_is_the_sample_video_beside_the_split()
    {
        var task = TaskSamples.Task("mlvu_dev");
        var doc = TaskSamples.Docs(task)[2];

        var video = Assert.IsType<VideoRef>(Assert.Single(task.DocToVisual(doc, PromptKwargs.Empty)));

        Assert.Equal(Path.Combine(TestPaths.SampleSnapshot("mlvu", "sy1998/MLVU_dev"), "needle_32.mp4"), video.Path);
        Assert.True(File.Exists(video.Path));
    }

    [Fact]
    public void A_missing_sample_video_throws_missing_media()
    {
        var task = TaskSamples.Task("mlvu_dev");
        var doc = TaskSamples.Docs(task)[0].With("video_name", "not_there.mp4");

        var error = Assert.Throws<MissingMediaException>(() => task.DocToVisual(doc, PromptKwargs.Empty));

        Assert.Equal(2, error.SearchedPaths.Count);
        Assert.Equal(Path.Combine(TestPaths.SampleSnapshot("mlvu", "sy1998/MLVU_dev"), "not_there.mp4"), error.SearchedPaths[0]);
        Assert.Equal(Path.Combine(TestPaths.SampleSnapshot("mlvu", "sy1998/MLVU_dev"), "video", "not_there.mp4"), error.SearchedPaths[1]);
    }

    [Fact]
    public void Unknown_task_type_fails_like_lmms_eval()
    {
        JsonNode item = new JsonObject { ["task_type"] = "sportsQA", ["pred_answer"] = "A", ["answer"] = "A" };
        Assert.Throws<DataException>(() => MlvuFamily.Aggregate([item]));
    }

    // Sample (tasks/mlvu/sample): type, answer, response → Current / Legacy2025 prediction
    //   0 plotQA A "A) A man in a red coat"        → A ✓ / A ✓
    //   1 plotQA B "I think the answer is B"       → B ✓ / whole text ✗
    //   2 needle C "The answer is (C)."            → C ✓ / C ✓
    //   3 ego B ""                                 → "" ✗ / "" ✗
    //   4 order D "d"                              → "" ✗ / "d" ✗
    //   5 anomaly_reco B "Option B) looks right, not A" → A ✗ / B ✓
    // Current per type: plotQA 100, needle 100, ego 0, order 0, anomaly_reco 0, count 0 (no items), topic_reasoning 0
    //   (no items) → M-avg over all 7 types = 200/7.
    // Legacy: plotQA 50, needle 100, ego 0, order 0, anomaly_reco 100, count 0, topic_reasoning 0 → 250/7.
    [Fact]
    public void Golden_sample_macro_average_current()
    {
        var result = TaskSamples.Aggregate("mlvu_dev", MlvuFamily.MetricName, ScoringRules.Current);

        Assert.Equal(200.0 / 7, result.Value!.Value, 12);
        var perType = result.Breakdown.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(100.0, perType["plotQA"]);
        Assert.Equal(100.0, perType["needle"]);
        Assert.Equal(0.0, perType["anomaly_reco"]);
        Assert.Equal(0.0, perType["topic_reasoning"]);
        Assert.Equal(7, perType.Count);
    }

    [Fact]
    public void Golden_sample_macro_average_legacy_2025()
    {
        var result = TaskSamples.Aggregate("mlvu_dev", MlvuFamily.MetricName, ScoringRules.Legacy2025);

        Assert.Equal(250.0 / 7, result.Value!.Value, 12);
        var perType = result.Breakdown.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(50.0, perType["plotQA"]);
        Assert.Equal(100.0, perType["anomaly_reco"]);
    }
}
