using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Muirbench;

namespace LLaDAV.Eval.Tests.Tasks.Muirbench;

/// <summary>
/// MuirBench (lmms-eval tasks/muirbench/utils.py): the same flexible-extract filter as AI2D, then
/// muir_aggregation's <c>pred.lower().strip() == answer.lower().strip()</c> (no punctuation removal), micro accuracy.
/// </summary>
public sealed class MuirbenchTests
{
    private const string Task = "muirbench";

    [Fact]
    public void Prompt_and_visuals_follow_upstream()
    {
        var task = TaskSamples.Task(Task);
        Assert.Equal(
            "Which caption matches the first image? <image> <image>\nA. A red square\nB. A blue circle\nC. A green star\nD. None of the choices provided\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt(Task, 0));
        var visuals = task.DocToVisual(TaskSamples.Docs(task)[0], TaskSamples.Kwargs(Task, "default"));
        Assert.Equal(2, visuals.Count);
        Assert.All(visuals.Cast<ImageRef>(), v => Assert.True(File.Exists(v.Path), v.Path));
        Assert.Equal(["image_list[0]", "image_list[1]"], visuals.Cast<ImageRef>().Select(v => v.Column));
        Assert.Equal(2L, PromptKwargsResolver.GenerationKwargs(task.Spec, "lladav")["gen_length"]);
    }

    /// <summary>
    /// Sample (task, gold, response → filtered → correct): 0 ITM A "A" → "A" → 1; 1 ITM B "B. The second image" →
    /// "B" → 1; 2 Counting C "(C)" → "(C)", "(c)" != "c" → 0; 3 Counting D "d. 4" → unchanged, "d. 4" != "d" → 0;
    /// 4 Visual Retrieval A "a" → "a" == "a" → 1. Overall 3/5; per task: ITM 2/2, Counting 0/2, Visual Retrieval 1/1.
    /// </summary>
    [Fact]
    public void Sample_aggregate_matches_the_hand_computed_value()
    {
        var result = TaskSamples.Aggregate(Task, MuirbenchFamily.Metric, "flexible-extract");
        Assert.Equal(0.6, result.Value!.Value, 12);
        Assert.Equal(
            [KeyValuePair.Create("Image-Text Matching", 1.0), KeyValuePair.Create("Counting", 0.0), KeyValuePair.Create("Visual Retrieval", 1.0)],
            result.Breakdown.ToArray());
        Assert.Equal(
            [ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Unparseable, ExtractionStatus.Unparseable, ExtractionStatus.Fallback],
            TaskSamples.ScoreFiltered(Task).Select(s => s.Score.Extraction.Status));
    }

    [Fact]
    public void Aggregation_compares_lowered_and_stripped_strings()
    {
        JsonNode Item(string pred, string answer) => new JsonObject { ["pred"] = pred, ["answer"] = answer, ["task"] = "t" };

        // " b " vs "B": lower/strip equal → 1; "B." vs "B" → 0 (punctuation is not removed); "" vs "A" → 0.
        Assert.Equal(1.0 / 3, MuirbenchFamily.Aggregate([Item(" b ", "B"), Item("B.", "B"), Item("", "A")]).Value!.Value, 12);
        Assert.Null(MuirbenchFamily.Aggregate([]).Value);
    }
}
