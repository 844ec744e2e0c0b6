using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Ai2d;

namespace LLaDAV.Eval.Tests.Tasks.Ai2d;

/// <summary>
/// AI2D: the flexible-extract filter (lmms-eval tasks/ai2d/utils.py MultiChoiceRegexFilter: re.match
/// <c>^\s*([A-Z])\.</c> → the letter, else the response unchanged) and exact_match with ignore_case and
/// ignore_punctuation (lower-case, delete ASCII string.punctuation, compare) against chr(65 + int(answer)).
/// </summary>
public sealed class Ai2dTests
{
    private const string Task = "ai2d";

    [Theory]
    [InlineData("C. adult", "C")]
    [InlineData("  B. pupa", "B")] // \s* allows leading spaces
    [InlineData("B", "B")] // no period: unchanged
    [InlineData("b. stem", "b. stem")] // [A-Z] is case-sensitive
    [InlineData("(A)", "(A)")]
    [InlineData("The answer is D.", "The answer is D.")] // re.match anchors at the start
    [InlineData("AB. x", "AB. x")] // one letter then '.'
    [InlineData("", "")]
    public void Flexible_extract_takes_only_a_leading_letter_and_period(string response, string expected) =>
        Assert.Equal(expected, LeadingLetterFilter.Apply(response));

    [Theory]
    [InlineData("B", "B", 1.0)]
    [InlineData("b", "B", 1.0)] // ignore_case
    [InlineData("(A)", "A", 1.0)] // ignore_punctuation deletes "(" and ")"
    [InlineData("B)", "B", 1.0)]
    [InlineData("b. stem", "B", 0.0)] // "b stem" != "b"
    [InlineData("The answer is D.", "D", 0.0)] // "the answer is d" != "d"
    [InlineData("", "C", 0.0)]
    public void Exact_match_ignores_case_and_ascii_punctuation(string filtered, string gold, double expected) =>
        Assert.Equal(expected, BuiltinMetrics.ExactMatch(filtered, gold, Ai2dFamily.ExactMatchArgs));

    [Fact]
    public void Prompt_lists_lettered_options_and_the_target_is_the_answer_letter()
    {
        var task = TaskSamples.Task(Task);
        Assert.Equal(
            "Which stage comes after the larva?\nA. egg\nB. pupa\nC. adult\nD. nymph\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt(Task, 0));
        Assert.Equal(TaskSamples.Prompt(Task, 0), TaskSamples.Prompt(Task, 0, "lladav"));
        Assert.Equal("B", task.DocToTarget(TaskSamples.Docs(task)[0]));
        Assert.Equal(["flexible-extract"], task.Filters.Select(f => f.Name));
        var g = PromptKwargsResolver.GenerationKwargs(task.Spec, "lladav");
        Assert.Equal((2L, 2L, 2L, "no_think", 16L), ((long)g["gen_length"]!, (long)g["steps"]!, (long)g["block_length"]!, (string)g["think_mode"]!, (long)g["max_new_tokens"]!));
    }

    /// <summary>
    /// Sample (gold, response → filtered → exact_match): 0 B "B" → "B" → 1; 1 C "C. adult" → "C" → 1;
    /// 2 A "(A)" → "(A)" → "a" == "a" → 1; 3 D "The answer is D." → unchanged → 0; 4 B "b. stem" → unchanged →
    /// "b stem" → 0; 5 C "D. comet" → "D" → 0; 6 A "" → 0. exact_match,flexible-extract = 3/7.
    /// </summary>
    [Fact]
    public void Sample_aggregate_matches_the_hand_computed_value()
    {
        Assert.Equal(3.0 / 7, TaskSamples.Aggregate(Task, "exact_match", "flexible-extract").Value!.Value, 12);
        Assert.Equal(
            [ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Fallback, ExtractionStatus.Unparseable, ExtractionStatus.Unparseable, ExtractionStatus.Parsed, ExtractionStatus.Unparseable],
            TaskSamples.ScoreFiltered(Task).Select(s => s.Score.Extraction.Status));
    }
}
