using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Realworldqa;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Realworldqa;

/// <summary>
/// RealWorldQA: HEAD (lmms-eval 9ca4445d) = extract_mcq_answer(pred, A–D) for letter golds, else
/// pred.lower().strip().rstrip(".") == gold.lower(); 2025 rule = NumberWordsToDigitsFilter + the task's
/// MultiChoiceRegexFilter (option text → letter) + exact_match ignoring case and punctuation (docs/LMMS-EVAL.md §2.12, §1.14 A).
/// </summary>
public sealed class RealworldqaTests
{
    private const string Task = "realworldqa";

    private const string Lanes = "How many lanes does the road have?\nA. 1\nB. 2\nC. 3\nPlease answer directly with only the letter of the correct option and nothing else.";

    [Theory]
    [InlineData("C", "C", 1.0)] // start
    [InlineData("(C) 3", "C", 1.0)] // parentheses
    [InlineData("c", "C", 0.0)] // extract_mcq_answer is case-sensitive: no candidate → ""
    [InlineData("There are three lanes, so the answer is C.", "C", 1.0)] // trailing '.' stripped → ends with C
    [InlineData("I think B. No wait, C", "C", 1.0)] // end (9) outranks period (5)
    [InlineData("", "C", 0.0)]
    [InlineData("Three.", "3", 0.0)] // open gold: "three" != "3"
    [InlineData("3.", "3", 1.0)] // rstrip(".")
    [InlineData(" Yes ", "Yes", 1.0)]
    public void Current_rule(string response, string gold, double expected) =>
        Assert.Equal(expected, RealworldqaFamily.ScoreCurrent(response, gold).Score);

    [Theory]
    [InlineData("3", "C", true)] // "3" is option C's text
    [InlineData("C. 3", "C", true)] // cleaned "C 3": the first option text found is "3"
    [InlineData("There are 2 lanes.", "B", true)]
    [InlineData("C", "C", false)] // no option text: the cleaned response passes through
    [InlineData("(C)!", "C", false)] // punctuation removed → "C"
    public void Legacy_choice_filter_maps_option_text_to_letters(string response, string expected, bool matched) =>
        Assert.Equal((expected, matched), RealworldqaFamily.LegacyChoiceFilter(Lanes, response));

    [Fact]
    public void Legacy_letters_follow_the_order_options_are_found_not_their_written_letter()
    {
        // Options "B. Left" and "D. Right" are lettered A and B by the 2025 filter (next_alpha counts up from "A").
        Assert.Equal(("B", true), RealworldqaFamily.LegacyChoiceFilter("Which way?\nB. Left\nD. Right", "Right"));
    }

    [Fact]
    public void Prompt_keeps_the_dataset_instruction_unless_a_post_prompt_replaces_it()
    {
        Assert.Equal(
            "Which object is closer to the camera?\nA. The car\nB. The tree\nC. The sign\nPlease answer directly with only the letter of the correct option and nothing else.",
            TaskSamples.Prompt(Task, 0));
        Assert.Equal(TaskSamples.Prompt(Task, 0), TaskSamples.Prompt(Task, 0, "lladav"));
        var kwargs = new PromptKwargs(System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty.Add("post_prompt", "\nAnswer:"));
        Assert.Equal("Which object is closer to the camera?\nA. The car\nB. The tree\nC. The sign\n\nAnswer:", RealworldqaFamily.DocToText(TaskSamples.Docs(Task)[0], kwargs));
    }

    /// <summary>
    /// Sample (gold, response): 0 B "B"; 1 C "There are three lanes, so the answer is C."; 2 A "(A) Yes"; 3 "3" "three";
    /// 4 D "D. Black"; 5 B ""; 6 "Yes" "Yes."; 7 A "Left".
    /// HEAD: 1 (start), 1 (end), 1 (parentheses), 0 ("three" != "3"), 1 (start), 0 (empty), 1 ("yes"), 0 (no A–D
    /// anywhere in "Left" → "") = 5/8.
    /// 2025: 1 ("B" passes through), 0 (no option text "1"/"2"/"3" in the sentence → whole sentence != "c"),
    /// 1 ("Yes" = option A's text), 1 ("three" → "3"), 1 ("Black" = option D's text), 0, 1 ("Yes"), 1 ("Left" = A) = 6/8.
    /// </summary>
    [Fact]
    public void Sample_aggregates_match_the_hand_computed_values()
    {
        Assert.Equal(5.0 / 8, TaskSamples.Aggregate(Task, "exact_match", "none").Value!.Value, 12);
        Assert.Equal(6.0 / 8, TaskSamples.Aggregate(Task, "exact_match", "none", rules: ScoringRules.Legacy2025).Value!.Value, 12);
        var current = TaskSamples.ScoreFiltered(Task).Select(s => s.Score.Extraction).ToList();
        Assert.Equal(
            ["extract_mcq_answer.start", "extract_mcq_answer.end", "extract_mcq_answer.parentheses", "realworldqa.open_answer", "extract_mcq_answer.start", "extract_mcq_answer.none", "realworldqa.open_answer", "extract_mcq_answer.none"],
            current.Select(e => e.Rule));
        Assert.Equal(ExtractionStatus.Unparseable, current[7].Status);
        var legacy = TaskSamples.ScoreFiltered(Task, rules: ScoringRules.Legacy2025).Select(s => s.Score.Extraction.Status).ToList();
        Assert.Equal(
            [ExtractionStatus.Fallback, ExtractionStatus.Fallback, ExtractionStatus.Parsed, ExtractionStatus.Fallback, ExtractionStatus.Parsed, ExtractionStatus.Unparseable, ExtractionStatus.Fallback, ExtractionStatus.Parsed],
            legacy);
    }
}
