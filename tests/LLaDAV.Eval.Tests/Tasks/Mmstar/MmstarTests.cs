using System.Text.Json.Nodes;
using LLaDAV.Eval.Tasks.Families.Mmstar;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Mmstar;

/// <summary>MMStar rules (docs/LMMS-EVAL.md §2.3), hand-checked.</summary>
public sealed class MmstarTests
{
    [Theory]
    [InlineData("A", "A", 1.0)]
    [InlineData("(b) because", "B", 1.0)] // "(" then the letter
    [InlineData("Option c is right", "C", 1.0)] // "option " then char 7
    [InlineData("The answer is D.", "D", 1.0)] // "the answer is " then char 14
    [InlineData("The correct answer is A", "A", 0.0)] // none of the four legacy shapes
    [InlineData("", "A", 0.0)] // IndexError in Python → 0.0
    [InlineData("(", "A", 0.0)]
    public void Should_score_with_the_2025_rule(string prediction, string gold, double expected) =>
        Assert.Equal(expected, MmstarFamily.LegacyExactMatch(prediction, gold));

    [Fact]
    public void Should_macro_average_over_l2_categories()
    {
        // l2 "x": scores 1, 1, 0 → 2/3; l2 "y": 0 → 0; l2 "z": 1 → 1. Mean of (2/3, 0, 1) = 5/9.
        var items = new (string L2, double Score)[] { ("x", 1), ("y", 0), ("x", 1), ("z", 1), ("x", 0) }
            .Select(t => (JsonNode?)new JsonObject { ["l2_category"] = t.L2, ["score"] = t.Score }).ToList();
        Assert.Equal(5.0 / 9.0, MmstarFamily.MacroOverL2(items)!.Value, 12);
    }

    [Fact]
    public void Should_drop_the_yes_no_suffix_only_when_a_prompt_is_added()
    {
        var doc = new LLaDAV.Eval.Data.Doc(new Dictionary<string, object?> { ["question"] = "  Is it red? Please answer yes or no.\nOptions: A: yes, B: no " }, ".", "test");
        Assert.Equal("Is it red? Please answer yes or no.\nOptions: A: yes, B: no", MmstarFamily.DocToText(doc, PromptKwargs.Empty));
        var kwargs = new PromptKwargs(System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(
            new Dictionary<string, object?> { ["pre_prompt"] = "", ["post_prompt"] = "\nAnswer with the option's letter from the given choices directly" }));
        Assert.Equal("Is it red?\nOptions: A: yes, B: no\nAnswer with the option's letter from the given choices directly", MmstarFamily.DocToText(doc, kwargs));
    }
}
