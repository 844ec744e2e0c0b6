using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mmmu;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Mmmu;

/// <summary>
/// MMMU open-ended scoring under both rule sets, worked by hand from lmms-eval's tasks/mmmu/utils.py: at 75571cf
/// <c>mmmu_process_results</c> keeps <c>parsed_pred = [str(parse_open_response(pred)[0])]</c> and
/// <c>evaluate_mmmu</c> → <c>eval_open(gold, pred_i)</c> runs <c>for pred in pred_i</c> over that STRING, i.e. its
/// characters; before 736454b5 (the paper's fork) pred_i was the candidate list.
/// </summary>
public sealed class MmmuScoringRulesTests
{
    private static Doc Open(string answer) => new(new Dictionary<string, object?>
    {
        ["id"] = "validation_Physics_1", ["question"] = "How large is g?", ["options"] = "[]", ["question_type"] = "open", ["answer"] = answer,
    }, ".", "hand.jsonl");

    private static double? Accuracy(Doc doc, string response, ScoringRules rules, out SampleScore score)
    {
        score = MmmuFamily.ProcessResults(doc, response, new ScoringContext("mmmu_val", 0, 0, rules, null));
        return MmmuFamily.Aggregate([score.Get("mmmu_acc")]).Value;
    }

    [Fact]
    public void A_correct_numeric_answer_scores_under_2025_and_not_under_current()
    {
        // "The acceleration is 9.80 m/s^2": candidates include 9.8; gold "9.8" normalises to the float 9.8.
        // 2025: pred_i = [9.8, ...] → 9.8 in [9.8] → correct → acc 1.0.
        Assert.Equal(1.0, Accuracy(Open("9.8"), "The acceleration is 9.80 m/s^2", ScoringRules.Legacy2025, out var legacy));
        Assert.Null(legacy.Extraction.Quirk);

        // current: pred_i = str(first candidate), iterated by character: single-character strings are never the
        // float 9.8 → wrong → acc 0.0; the sample is marked as decided by the upstream quirk.
        Assert.Equal(0.0, Accuracy(Open("9.8"), "The acceleration is 9.80 m/s^2", ScoringRules.Current, out var current));
        Assert.Equal(UpstreamQuirk.MmmuOpenCharacters.Id, current.Extraction.Quirk);
        var parsed = current.Get("mmmu_acc")!["parsed_pred"]!.AsArray();
        Assert.Single(parsed);
        Assert.Equal(System.Text.Json.JsonValueKind.String, JsonValueKind(parsed[0]));
    }

    [Fact]
    public void A_correct_text_answer_cannot_score_under_current()
    {
        // gold "tension" (7 chars) → ["tension"]; response "tension" → candidate "tension".
        // 2025: "tension" in "tension" → correct. current: "tension" in "t", in "e", ... → never.
        Assert.Equal(1.0, Accuracy(Open("tension"), "tension", ScoringRules.Legacy2025, out _));
        Assert.Equal(0.0, Accuracy(Open("tension"), "tension", ScoringRules.Current, out _));
    }

    [Fact]
    public void Character_iteration_is_what_decides_under_current()
    {
        // A blank gold normalises to [""] and "" is in every single character: any non-empty prediction scores;
        // an empty prediction (no candidate → "") has no characters to iterate and cannot.
        Assert.Equal(1.0, Accuracy(Open(" "), "anything", ScoringRules.Current, out _));
        Assert.Equal(0.0, Accuracy(Open(" "), "", ScoringRules.Current, out _));
    }

    [Fact]
    public void Multiple_choice_is_the_same_under_both_rule_sets()
    {
        var doc = new Doc(new Dictionary<string, object?>
        {
            ["id"] = "validation_Art_1", ["question"] = "Which?", ["options"] = "['red', 'blue']", ["question_type"] = "multiple-choice", ["answer"] = "B",
        }, ".", "hand.jsonl");
        Assert.Equal(1.0, Accuracy(doc, "(B)", ScoringRules.Current, out var current));
        Assert.Equal(1.0, Accuracy(doc, "(B)", ScoringRules.Legacy2025, out _));
        Assert.Null(current.Extraction.Quirk);
    }

    private static System.Text.Json.JsonValueKind JsonValueKind(JsonNode? node) => node!.GetValueKind();
}
