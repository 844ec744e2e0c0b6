using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Chartqa;

/// <summary>ChartQA (<c>chartqa</c>) hooks, ported from lmms-eval 75571cf <c>tasks/chartqa/utils.py</c> (docs/LMMS-EVAL.md §2.10).</summary>
public sealed class ChartqaFamily : ITaskFamily
{
    public const string Overall = "relaxed_overall";
    public const string HumanSplit = "relaxed_human_split";
    public const string AugmentedSplit = "relaxed_augmented_split";

    public string Name => "chartqa";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("chartqa.doc_to_text", DocToText);
        hooks.AddDocToVisual("chartqa.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("chartqa.process_results", ProcessResults, Overall, HumanSplit, AugmentedSplit);
    }

    /// <summary><c>chartqa_doc_to_text</c>: <c>{pre_prompt}{question}{post_prompt}</c>.</summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs) =>
        kwargs.GetString("pre_prompt") + doc.RequireString("question") + kwargs.GetString("post_prompt");

    /// <summary>
    /// <c>chartqa_process_results</c>: relaxed correctness → 1.0/0.0 under <c>relaxed_overall</c> and under the
    /// doc's split key (<c>type == "human_test"</c> → human, anything else → augmented).
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var outcome = RelaxedCorrectness.Evaluate(response, doc.RequireString("answer"));
        var score = outcome.Correct ? 1.0 : 0.0;
        var split = doc.RequireString("type") == "human_test" ? HumanSplit : AugmentedSplit;
        return SampleScore.Of(outcome.Extraction, (Overall, score), (split, score));
    }
}
