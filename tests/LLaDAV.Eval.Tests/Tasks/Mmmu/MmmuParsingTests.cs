using LLaDAV.Eval.Tasks.Families.Mmmu;

namespace LLaDAV.Eval.Tests.Tasks.Mmmu;

/// <summary>MMMU parsers (docs/LMMS-EVAL.md §1.14 B, C), expected values worked by hand from the rules.</summary>
public sealed class MmmuParsingTests
{
    private static readonly (IReadOnlyList<string> Choices, IReadOnlyDictionary<string, string> Map) s_four =
        MmmuParsing.MultiChoiceInfo(["Paris", "London", "Berlin", "Madrid"]);

    [Theory]
    [InlineData("(B)", "B")] // bracketed
    [InlineData("I think (A) or maybe (C)", "C")] // two bracketed: the later "(C)" wins (rfind)
    [InlineData("B is right", "B")] // "B " with a space
    [InlineData("D.", "D")] // "." stripped from the end → " D ": "D " matches
    [InlineData("Answer: C.", "C")] // → " Answer: C " : "C " matches; "A" is not followed by a space
    [InlineData("The capital city that you are asking about is Berlin of course", "C")] // >5 words, option text "berlin"
    public void Should_parse_multiple_choice(string response, string expected) =>
        Assert.Equal(expected, MmmuParsing.ParseMultiChoice(response, s_four.Choices, s_four.Map));

    [Fact]
    public void Should_return_null_when_nothing_matches_so_the_caller_can_fall_back()
    {
        // " I do not know " — no (X), no "X " for A-D ("I " is not a choice), no "X.", 4 words ≤ 5.
        Assert.Null(MmmuParsing.ParseMultiChoice("I do not know.", s_four.Choices, s_four.Map));
    }

    [Fact]
    public void Should_take_the_last_option_text_when_several_are_named()
    {
        // Content match (>5 words): "paris" and "berlin" both occur; "berlin" occurs later → C.
        Assert.Equal("C", MmmuParsing.ParseMultiChoice("it is not paris, the answer would be berlin", s_four.Choices, s_four.Map));
    }

    [Fact]
    public void Should_parse_open_answers_with_numbers_and_units()
    {
        // "the acceleration is 9.80 m/s^2" → key tail after "is ": "9.80 m/s^2"; numbers 9.80 and 2 → 9.8, 2.0.
        var preds = MmmuParsing.ParseOpen("The acceleration is 9.80 m/s^2");
        Assert.Contains(new MmmuParsing.NumberNorm(9.8), preds);
        Assert.Contains(new MmmuParsing.TextNorm("9.80 m/s^2"), preds);
        Assert.True(MmmuParsing.EvalOpen(["9.8"], preds));
        Assert.False(MmmuParsing.EvalOpen(["9.7"], preds));
    }

    [Fact]
    public void Should_read_comma_grouped_numbers()
    {
        // "1,234,567" is one comma-grouped number → 1234567.0; gold "1234567" normalises to the same float.
        var preds = MmmuParsing.ParseOpen("So the total is 1,234,567");
        Assert.True(MmmuParsing.EvalOpen(["1234567"], preds));
    }

    [Fact]
    public void Should_match_text_golds_as_substrings_of_predictions()
    {
        // No indicator in "leaves contain chlorophyll" → the whole response; gold "chlorophyll" is inside it.
        Assert.True(MmmuParsing.EvalOpen(["Chlorophyll"], MmmuParsing.ParseOpen("Leaves contain chlorophyll.")));
    }

    [Fact]
    public void Should_cut_at_indicators_even_inside_words()
    {
        // Quirk of the rule: "photosynthesis " contains the indicator "is ", so the key is the tail
        // "happens in leaves", which no longer holds the gold.
        Assert.False(MmmuParsing.EvalOpen(["Photosynthesis"], MmmuParsing.ParseOpen("Photosynthesis happens in leaves.")));
    }

    [Fact]
    public void Should_pad_single_character_golds()
    {
        // normalize_str("b") → [" b", "b "]; the prediction "answer b" (no indicator matches "answer " at its end? "answer " → tail "b")
        // gives key "b" → [" b", "b "] → equal strings contain each other.
        Assert.True(MmmuParsing.EvalOpen(["B"], MmmuParsing.ParseOpen("final answer b")));
    }

    [Fact]
    public void Should_find_the_subject_of_an_id() => Assert.Equal("Art_Theory", MmmuFamily.SubsetName("validation_Art_Theory_12"));
}
