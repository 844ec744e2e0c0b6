using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mvbench;

/// <summary>
/// MVBench (<c>mvbench_&lt;sub_task&gt;</c>, 20 tasks; group <c>mvbench</c>) hooks, ported from lmms-eval 75571cf
/// <c>tasks/mvbench/utils.py</c> (docs/LMMS-EVAL.md §2.18).
/// </summary>
public sealed class MvbenchFamily : ITaskFamily
{
    public const string MetricName = "mvbench_accuracy";

    /// <summary>
    /// utils.py <c>DATA_LIST</c>: the folder of each sub-task's videos under the video snapshot
    /// (<c>OpenGVLab/MVBench</c> revision <c>video</c>, linked to <c>$HF_HOME/mvbench_video</c>).
    /// </summary>
    public static readonly ImmutableSortedDictionary<string, string> DataList = new Dictionary<string, string>
    {
        ["object_interaction"] = "star/Charades_segment",
        ["action_sequence"] = "star/Charades_segment",
        ["action_prediction"] = "star/Charades_segment",
        ["action_localization"] = "sta/sta_video_segment",
        ["moving_count"] = "clevrer/video_validation",
        ["fine_grained_pose"] = "nturgbd_convert",
        ["character_order"] = "perception/videos",
        ["object_shuffle"] = "perception/videos",
        ["egocentric_navigation"] = "vlnqa",
        ["moving_direction"] = "clevrer/video_validation",
        ["episodic_reasoning"] = "tvqa/video_fps3_hq_segment",
        ["fine_grained_action"] = "Moments_in_Time_Raw/videos",
        ["scene_transition"] = "scene_qa/video",
        ["state_change"] = "perception/videos",
        ["moving_attribute"] = "clevrer/video_validation",
        ["action_antonym"] = "ssv2_video_mp4",
        ["unexpected_action"] = "FunQA_test/test",
        ["counterfactual_inference"] = "clevrer/video_validation",
        ["object_existence"] = "clevrer/video_validation",
        ["action_count"] = "perception/videos",
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>The 20 sub-tasks in the order of lmms-eval's <c>mvbench.yaml</c> group.</summary>
    public static readonly ImmutableArray<string> SubTasks =
    [
        "action_sequence", "moving_count", "action_prediction", "episodic_reasoning", "action_antonym", "action_count",
        "scene_transition", "object_shuffle", "object_existence", "fine_grained_pose", "unexpected_action",
        "moving_direction", "state_change", "object_interaction", "character_order", "action_localization",
        "counterfactual_inference", "fine_grained_action", "moving_attribute", "egocentric_navigation",
    ];

    public string Name => "mvbench";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToVisualFactory("mvbench.doc_to_visual", spec =>
        {
            var locator = VideoLocator.FromEnvironment();
            return (doc, kwargs) => [DocToVisual(doc, kwargs, spec, locator)];
        });
        hooks.AddDocToText("mvbench.doc_to_text", DocToText);
        hooks.AddProcessResults("mvbench.process_results", ProcessResults, MetricName);
        hooks.AddAggregation("mvbench.aggregate_results", (items, _) => AggregationResult.Of(Accuracy(items)));
    }

    /// <summary>
    /// <c>mvbench_doc_to_visual</c>: <c>{cache}/{DATA_LIST[sub_task]}/{video}</c>, then
    /// <c>{cache}/data0613/{DATA_LIST[sub_task]}/{video}</c> for the star and clevrer folders (the re-released
    /// <c>data0613.zip</c>, lmms-eval issue #403). utils.py meant that fallback but tests
    /// <c>basename(folder) in ["clevrer", "star"]</c>, which never holds, and then only logs an error and returns
    /// the missing path; here the fallback is searched and a missing video is a <see cref="MissingMediaException"/>.
    /// <c>video/{folder}/{video}</c> covers archives unpacked where the repository keeps them (<c>video/*.zip</c>).
    /// The path may be a folder of frames (episodic_reasoning's tvqa segments).
    /// </summary>
    public static VideoRef DocToVisual(Doc doc, PromptKwargs kwargs, TaskSpec spec, VideoLocator locator)
    {
        var subTask = kwargs.GetString("sub_task");
        if (!DataList.TryGetValue(subTask, out var folder))
        {
            throw new ConfigException($"{spec.SourceFile}: lmms_eval_specific_kwargs must name a 'sub_task' among {string.Join(", ", DataList.Keys)}; got '{subTask}'.");
        }

        var video = doc.RequireString("video");
        var relative = new List<string> { Path.Combine(folder, video) };
        if (folder.StartsWith("clevrer/", StringComparison.Ordinal) || folder.StartsWith("star/", StringComparison.Ordinal))
        {
            relative.Add(Path.Combine("data0613", folder, video));
        }

        relative.Add(Path.Combine("video", folder, video));
        return locator.Locate(doc, spec, relative);
    }

    /// <summary>
    /// <c>mvbench_doc_to_text</c>: <c>"Question:" + question + "\nOption:\n" + "(A) c1\n(B) c2\n…" + post_prompt</c>.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var options = new StringBuilder();
        var candidates = Candidates(doc);
        for (var i = 0; i < candidates.Count; i++)
        {
            options.Append('(').Append((char)('A' + i)).Append(") ").Append(candidates[i]).Append('\n');
        }

        return "Question:" + doc.RequireString("question") + "\nOption:\n" + options + kwargs.GetString("post_prompt");
    }

    /// <summary>
    /// <c>mvbench_process_results</c>: gold letter = position of <c>answer</c> among <c>candidates</c>; score =
    /// <see cref="MvbenchMcqAcc.Score"/>. The raw response is kept as <c>pred_answer</c>: an empty one is left out
    /// of the aggregation's denominator.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var candidates = Candidates(doc);
        var answer = doc.RequireString("answer");
        var index = candidates.IndexOf(answer);
        if (index < 0)
        {
            throw new DataException($"MVBench row in {doc.SourceFile}: answer '{answer}' is not one of its candidates ({string.Join(" | ", candidates)}).");
        }

        var gold = ((char)('A' + index)).ToString();
        var score = MvbenchMcqAcc.Score(gold, response);
        var processed = MvbenchMcqAcc.Process(response);
        var letter = processed.Length == 1 && processed[0] is >= 'A' and <= 'E';
        var extraction = response.Length == 0
            ? new Extraction("mvbench.mcq_acc.empty_not_counted", ExtractionStatus.Unparseable, "")
            : new Extraction(letter ? "mvbench.mcq_acc" : "mvbench.mcq_acc.processed_text", letter ? ExtractionStatus.Parsed : ExtractionStatus.Unparseable, processed);
        var record = new JsonObject { ["pred_answer"] = response, ["gt_answer"] = gold, ["score"] = score };
        return SampleScore.Of(extraction, (MetricName, record));
    }

    /// <summary>
    /// <c>mvbench_aggregate_results</c>: <c>100 * Σscore / answered</c>, where answered counts only items whose
    /// <c>pred_answer</c> is not empty; 0 when nothing was answered.
    /// </summary>
    public static double Accuracy(IReadOnlyList<JsonNode?> items)
    {
        var answered = 0;
        var correct = 0.0;
        foreach (var item in items.OfType<JsonObject>())
        {
            if ((string?)item["pred_answer"] is { Length: > 0 })
            {
                answered++;
                correct += Aggregations.ToDouble(item["score"]);
            }
        }

        return answered > 0 ? 100 * correct / answered : 0;
    }

    private static List<string> Candidates(Doc doc) => doc["candidates"] is IReadOnlyList<object?> list
        ? [.. list.Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "")]
        : throw new DataException($"MVBench column 'candidates' in {doc.SourceFile} is not a list of strings.");
}
