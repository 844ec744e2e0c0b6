using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tests.Tasks.Common;

/// <summary>
/// extract_mcq_answer cases worked by hand from the rule text (docs/LMMS-EVAL.md §1.14 A): formats ranked
/// start(10) &gt; end(9) &gt; phrase(7) &gt; "(X)"(6) &gt; "X."(5) &gt; "X:"(4) &gt; "X)"(3) &gt; "X "(2) &gt; fallback(0), later position first.
/// </summary>
public sealed class McqExtractorTests
{
    private static readonly string[] s_abcd = ["A", "B", "C", "D"];

    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("B", "B")] // start and end of a one-letter text
    [InlineData("(C)", "C")] // "(C)" → strip nothing; " (C) ": parentheses, right_paren; "C" not at start (the "(" is)
    [InlineData("The answer is D.", "D")] // trailing "." stripped; ends with "D" after a space → end(9)
    [InlineData("C. Because the sequence doubles", "C")] // start(10): "C" then "." (not a letter)
    [InlineData("Apple is red", "A")] // no formatted candidate ("A" is followed by a letter), so the fallback takes any occurrence
    public void Should_extract_as_the_rules_say(string response, string expected) =>
        Assert.Equal(expected, McqExtractor.Extract(response, s_abcd));

    [Fact]
    public void Should_prefer_the_phrase_over_parentheses()
    {
        // "(A)" gives parentheses(6) for A; "the answer is" → first "B" after it → phrase(7): B wins.
        Assert.Equal("B", McqExtractor.Extract("Option (A) looks tempting but the answer is B because of x", s_abcd));
    }

    [Fact]
    public void Should_take_the_later_position_within_a_format()
    {
        // Both "(A)" and "(C)" are parentheses(6); "(C)" occurs later; no start/end/phrase candidate.
        Assert.Equal("C", McqExtractor.Extract("Between (A) and (C) I prefer (C) over it all", s_abcd));
    }

    [Fact]
    public void Should_strip_quotes_and_punctuation_before_matching()
    {
        // '"D".' → strip '.' then '"' → D alone: start and end.
        Assert.Equal("D", McqExtractor.Extract("\"D\".", s_abcd));
    }

    [Fact]
    public void Should_not_take_a_letter_outside_the_choices()
    {
        // Default choices are A-H; with A-D, "E" is not a candidate and "The" has no capital choice → "".
        Assert.Equal("", McqExtractor.Extract("E", s_abcd));
        Assert.Equal("E", McqExtractor.Extract("E"));
    }
}
