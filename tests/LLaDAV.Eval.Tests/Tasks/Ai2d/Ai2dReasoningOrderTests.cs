using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Ai2d;

/// <summary>
/// Order of operations, lmms-eval 75571cf evaluator.py <c>evaluate</c>: the filter ensemble reads the RAW response;
/// "Strip reasoning tags before scoring" runs on what the filter returned (docs/LMMS-EVAL.md §1.6 steps 7-8). Doc 0 of
/// the AI2D sample has gold "B".
/// </summary>
public sealed class Ai2dReasoningOrderTests
{
    private static JsonObject Record(string response, ScoringRules rules)
    {
        var task = TaskSamples.Task("ai2d");
        var config = new RunConfig { Tasks = ["ai2d"], Model = "replay", Scoring = rules };
        var entry = new SampleScorer(task, config, config.ReasoningTags).Score(0, TaskSamples.Docs(task)[0], "prompt", new GenerationResult(response, TokenUsage.None, TimeSpan.Zero));
        return entry["records"]![0]!.AsObject();
    }

    [Fact]
    public void The_filter_sees_the_think_block_so_a_leading_letter_after_it_is_not_extracted()
    {
        // raw "<think>…</think>\nB. pupa": re.match(^\s*([A-Z])\.) fails on "<think>" → the response unchanged;
        // stripping then leaves "B. pupa"; exact_match (ignore case and punctuation): "b pupa" != "b" → 0.
        // (Stripping first, the filter would have read "B." and scored 1.)
        var record = Record("<think>the larva turns into a pupa</think>\nB. pupa", ScoringRules.Current);
        Assert.Equal("B. pupa", (string?)record["filtered_resps"]![0]);
        Assert.Equal(0.0, (double)record["exact_match"]!);
        Assert.Equal("<think>the larva turns into a pupa</think>\nB. pupa", (string?)record["resps"]![0]);
    }

    [Fact]
    public void A_letter_before_the_think_block_is_extracted_then_nothing_is_left_to_strip()
    {
        // raw "B. <think>x</think>": the filter returns "B"; stripping "B" changes nothing → exact_match 1.
        var record = Record("B. <think>x</think>", ScoringRules.Current);
        Assert.Equal("B", (string?)record["filtered_resps"]![0]);
        Assert.Equal(1.0, (double)record["exact_match"]!);
    }

    [Fact]
    public void The_paper_era_rules_strip_no_reasoning_tags()
    {
        // lmms-eval added reasoning_tags in d8fcb9c3 (2026-03-01, v0.7); the 2025 fork passes the filtered response
        // through .strip() only.
        var record = Record("<think>x</think> B", ScoringRules.Legacy2025);
        Assert.Equal("<think>x</think> B", (string?)record["filtered_resps"]![0]);
    }
}
