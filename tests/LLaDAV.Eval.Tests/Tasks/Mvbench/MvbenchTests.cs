using LLaDAV.Eval.Testing;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Mvbench;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Mvbench;

/// <summary>MVBench rules (lmms-eval tasks/mvbench/utils.py) checked by hand.</summary>
public sealed class MvbenchTests
{
    // mcq_acc's process(): "X. …" → X; else punctuation processing, strip quotes and parentheses, lower, then the
    // first A-E standing alone (upper-cased), else the processed text. Worked by hand:
    //   "(A) the person opens the door" → "(" becomes a space, ")" (followed by a space) is deleted → "a the person…" → A
    //   "The answer is B." → period deleted → "the answer is b"; the a/e inside words are not alone → B
    //   "I think it is (B) because"      → "i think it is b because" → B
    //   "b" → B;  "C. a cup" → C (option regex);  "\uff21" → stays "ａ" (not A-E) → wrong
    //   "Option: e" → "option: e": ":" is not in the punctuation list; "e" stands alone → E
    //   "Looking at the video, the person …, so the answer is (C)." → commas and "(" deleted, ")" spaced, final period
    //     deleted → "… the answer is c"; no a-e stands alone before it → C
    //   "A person picks up the cup, so the answer is C" → the article "a" is the first lone letter → A (rule quirk)
    [Theory]
    [InlineData("A", "A")]
    [InlineData("(A) the person opens the door", "A")]
    [InlineData("The answer is B.", "B")]
    [InlineData("I think it is (B) because", "B")]
    [InlineData("b", "B")]
    [InlineData("C. a cup", "C")]
    [InlineData("c.", "C")]
    [InlineData("\uff21", "\uff41")]
    [InlineData("Option: e", "E")]
    [InlineData("none of them", "none of them")]
    [InlineData("\"(D)\"", "D")]
    [InlineData("Looking at the video, the person picks up the cup, so the answer is (C).", "C")]
    [InlineData("A person picks up the cup, so the answer is C", "A")]
    public void Process_reads_the_option_letter(string response, string expected)
    {
        Assert.Equal(expected, MvbenchMcqAcc.Process(response));
    }

    [Theory]
    [InlineData("A", "A", 1)]
    [InlineData("A", "(A) the person opens the door", 1)]
    [InlineData("B", "The answer is B.", 1)]
    [InlineData("A", "b", 0)]
    [InlineData("A", "\uff21", 0)]
    [InlineData("C", "E", 0)]
    public void Score_is_equality_after_processing_both_sides(string gold, string pred, int expected)
    {
        Assert.Equal(expected, MvbenchMcqAcc.Score(gold, pred));
    }

    [Fact]
    public void Punctuation_next_to_a_space_or_in_a_number_is_deleted_otherwise_spaced()
    {
        Assert.Equal("a b", MvbenchMcqAcc.ProcessPunctuation("a/b"));
        Assert.Equal("a b", MvbenchMcqAcc.ProcessPunctuation("a; b"));
        Assert.Equal("1000 ab", MvbenchMcqAcc.ProcessPunctuation("1,000 a-b"));

        // The period rule keeps a period before a digit and deletes at most 32 periods (count = re.UNICODE).
        Assert.Equal("3.5 x", MvbenchMcqAcc.ProcessPunctuation("3.5 x."));
        Assert.Equal(".", MvbenchMcqAcc.ProcessPunctuation(new string('.', 33)));
    }

    [Fact]
    public void Empty_predictions_are_left_out_of_the_denominator()
    {
        JsonNode Item(string pred, int score) => new JsonObject { ["pred_answer"] = pred, ["gt_answer"] = "A", ["score"] = score };

        // answered = 2 (the "" is not counted), correct = 1 → 50
        Assert.Equal(50.0, MvbenchFamily.Accuracy([Item("A", 1), Item("", 0), Item("C", 0)]));
        Assert.Equal(0.0, MvbenchFamily.Accuracy([Item("", 0)]));
    }

    [Fact]
    public void Prompt_lists_lettered_candidates_and_the_post_prompt()
    {
        Assert.Equal(
            "Question:Which object moved the most?\nOption:\n(A) The sphere.\n(B) The cube.\n(C) The cylinder.\n(D) None of them.\nOnly give the best option.\n",
            TaskSamples.Prompt("mvbench_moving_count", 1, "lladav"));
    }

    [Fact]
    public void Visuals_follow_data_list_with_the_data0613_fallback_and_frame_folders()
    {
        var sample = TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "video");

        var moving = TaskSamples.Task("mvbench_moving_count");
        var kwargs = TaskSamples.Kwargs("mvbench_moving_count", "default");
        var docs = TaskSamples.Docs(moving);
        var first = Assert.IsType<VideoRef>(Assert.Single(moving.DocToVisual(docs[0], kwargs)));
        var fallback = Assert.IsType<VideoRef>(Assert.Single(moving.DocToVisual(docs[2], kwargs)));

        Assert.Equal(Path.Combine(sample, "clevrer", "video_validation", "video_10009.mp4"), first.Path);
        Assert.Equal(Path.Combine(sample, "data0613", "clevrer", "video_validation", "video_10020.mp4"), fallback.Path);
        Assert.Equal(Path.Combine(sample, "clevrer", "video_validation", "video_10020.mp4"), fallback.SearchedPaths[0]);

        var episodic = TaskSamples.Task("mvbench_episodic_reasoning");
        var frames = Assert.IsType<VideoRef>(Assert.Single(episodic.DocToVisual(TaskSamples.Docs(episodic)[0], TaskSamples.Kwargs("mvbench_episodic_reasoning", "lladav"))));
        Assert.True(Directory.Exists(frames.Path));
        Assert.Equal(Path.Combine(sample, "tvqa", "video_fps3_hq_segment", "s01e02_seg02_clip_10"), frames.Path);
    }

    [Fact]
    public void Group_lists_the_twenty_sub_tasks_in_lmms_eval_order()
    {
        var group = TaskSamples.Catalog.Groups["mvbench"];

        Assert.Equal(MvbenchFamily.SubTasks.Select(s => "mvbench_" + s), group.Members);
        Assert.Equal(20, TaskSamples.Catalog.Expand(["mvbench"]).Length);
        Assert.All(MvbenchFamily.SubTasks, s => Assert.Equal(s, TaskSamples.Task("mvbench_" + s).Spec.DatasetName));
    }

    // The sample gives every sub-task three docs with gold A, B, C and cycles five response patterns over the
    // 20 sub-tasks in group order (sub-task i gets pattern i mod 5):
    //   0 ["A", "B", "C"]                                        → 3/3        = 100
    //   1 ["(A) the person opens the door", "", "B"]             → 1/2 (""
    //                                                              not counted) = 50
    //   2 ["b", "The answer is B.", "C. a cup"]                  → B✗ B✓ C✓   = 200/3
    //   3 ["", "", ""]                                           → nothing answered = 0
    //   4 ["\uff21", "I think it is (B) because", "E"]           → ✗ ✓ ✗      = 100/3
    [Theory]
    [InlineData("action_sequence", 100.0)]
    [InlineData("moving_count", 50.0)]
    [InlineData("action_prediction", 200.0 / 3)]
    [InlineData("episodic_reasoning", 0.0)]
    [InlineData("action_antonym", 100.0 / 3)]
    [InlineData("egocentric_navigation", 100.0 / 3)]
    public void Golden_sample_sub_task_accuracy(string subTask, double expected)
    {
        var result = TaskSamples.Aggregate("mvbench_" + subTask, MvbenchFamily.MetricName, ScoringRules.Current);

        Assert.Equal(expected, result.Value!.Value, 12);
    }

    // Each pattern covers 4 of the 20 sub-tasks: (100 + 50 + 200/3 + 0 + 100/3) · 4 / 20 = 250 / 5 = 50.
    [Fact]
    public void Golden_lladav_eval_average_over_the_sample()
    {
        var scores = MvbenchFamily.SubTasks.ToDictionary(
            s => "mvbench_" + s,
            s => TaskSamples.Aggregate("mvbench_" + s, MvbenchFamily.MetricName, ScoringRules.Current).Value);

        var average = MvbenchAverage.Compute(scores);

        Assert.Equal(50.0, average.Value!.Value, 12);
        Assert.True(average.IsComplete);
        Assert.Equal("mvbench_average", MvbenchAverage.MetricKey);
        Assert.Equal("lladav-eval", MvbenchAverage.Source);
    }

    [Fact]
    public void A_partial_average_names_the_missing_sub_tasks()
    {
        var average = MvbenchAverage.Compute(new Dictionary<string, double?> { ["mvbench_action_count"] = 40.0, ["mvbench_state_change"] = 60.0, ["mmstar"] = 1.0 });

        Assert.Equal(50.0, average.Value);
        Assert.Equal(["mvbench_action_count", "mvbench_state_change"], average.Included.ToArray());
        Assert.Equal(18, average.Missing.Length);
        Assert.False(average.IsComplete);
        Assert.Null(MvbenchAverage.Compute(new Dictionary<string, double?>()).Value);
    }

    [Fact]
    public void Lladav_resolves_its_own_prompt_kwargs_and_sampler_settings()
    {
        var spec = TaskSamples.Task("mvbench_state_change").Spec;

        var kwargs = PromptKwargsResolver.Resolve(spec.SpecificKwargs, "lladav");
        var gen = PromptKwargsResolver.GenerationKwargs(spec, "lladav");

        Assert.Equal("state_change", kwargs.GetString("sub_task"));
        Assert.Equal("Only give the best option.\n", kwargs.GetString("post_prompt"));
        Assert.Equal(16L, gen["max_new_tokens"]);
        Assert.Equal(2L, gen["gen_length"]);
        Assert.Equal("low_confidence", gen["remasking"]);
        Assert.False(PromptKwargsResolver.GenerationKwargs(spec, "llama3v").ContainsKey("gen_length"));
    }
}
