using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Families.Docvqa;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Docvqa;

/// <summary>
/// DocVQA/InfoVQA: lmms-eval's ANLS (api/metrics.py anls, docs/LMMS-EVAL.md §1.14 D: normalise with
/// " ".join(s.strip().lower().split()), Levenshtein on the normalised strings, divided by the longer RAW length,
/// 1 − min over golds, below 0.5 → 0) and the LLaDA-V fork's "Answer: X" reading (parse_VWImodel_response,
/// docs/LLADAV-MODEL.md §7.3). Every expected value is worked out by hand in the comment beside it.
/// </summary>
public sealed class DocvqaTests
{
    private const string Docvqa = "docvqa_val";

    [Theory]
    [InlineData("1/8/93", "1/8/93", 1.0)] // identical
    [InlineData("University of Iowa", "university  of iowa", 1.0)] // case and inner whitespace normalised away
    [InlineData("$1,250", "1,250", 5.0 / 6)] // distance 1, length max(6, 5) = 6
    [InlineData("10:30 a.m.", "30 a.m", 0.6)] // distance 4 (drop "10:" and the last "."), length 10 → 1 − 0.4
    [InlineData("net income", "net    incom", 1 - 1.0 / 12)] // normalised distance 1, but RAW length max(10, 12) = 12
    [InlineData("abcd", "abxy", 0.5)] // distance 2 / 4 = 0.5 → 0.5 is kept (only < 0.5 drops)
    [InlineData("abcde", "abxyz", 0.0)] // distance 3 / 5 → 0.4 < 0.5 → 0
    [InlineData("Coca-Cola", "", 0.0)] // distance 9 / 9 → 0
    [InlineData("", "", 1.0)] // length 0 → value 0 → 1 − 0
    public void Anls_follows_the_lmms_eval_rule(string gold, string prediction, double expected) =>
        Assert.Equal(expected, BuiltinMetrics.Anls(prediction, [gold]), 12);

    [Theory]
    [InlineData("ß", "s", 0.5)] // distance 1; Python's length is len("ß".upper()) = len("SS") = 2 → 1 − 1/2 = 0.5
    [InlineData("😀 smile", "😃 smile", 6.0 / 7)] // code points: distance 1, length 7 (UTF-16 units would give 7/8)
    public void Anls_counts_lengths_and_edits_as_python_does(string gold, string prediction, double expected) =>
        Assert.Equal(expected, BuiltinMetrics.Anls(prediction, [gold]), 12);

    [Fact]
    public void Anls_takes_the_best_gold()
    {
        // "2016" vs "2015": 1/4 → 0.75; vs "2015-16": ≥ 3/7 → the minimum value is 0.25.
        Assert.Equal(0.75, BuiltinMetrics.Anls("2016", ["2015", "2015-16"]), 12);
    }

    [Theory]
    [InlineData("The document was signed by Mr. Smith. Answer: **Smith**.", "Smith")] // '*' dropped, strip("., ")
    [InlineData("Answer: 10:30 a.m.", "30 a.m")] // split(":")[-1] keeps only the text after the LAST ':'
    [InlineData("I first thought Answer: facebook; final Answer: Twitter.", "Twitter")] // the LAST "Answer:"
    [InlineData("**Answer:** 3", "3")]
    [InlineData("Answer:", "")] // nothing after the colon: an empty answer, not None
    [InlineData("answer: 3", null)] // case-sensitive "Answer:"
    [InlineData("The total is 3.", null)] // no "Answer:" → None
    [InlineData("", null)]
    public void Final_answer_is_read_as_the_fork_does(string response, string? expected) =>
        Assert.Equal(expected, FinalAnswer.Parse(response));

    [Fact]
    public void Prompts_differ_for_lladav_and_llama3v_only()
    {
        Assert.Equal("What is the date mentioned in the letter?\nAnswer the question using a single word or phrase.", TaskSamples.Prompt(Docvqa, 0));
        const string Fork = "What is the date mentioned in the letter?\nGive the reason and then write your final answer in the format 'Answer: X' where X is the answer to the question.";
        Assert.Equal(Fork, TaskSamples.Prompt(Docvqa, 0, "lladav"));
        Assert.Equal(Fork, TaskSamples.Prompt(Docvqa, 0, "llama3v"));
        var spec = TaskSamples.Task(Docvqa).Spec;
        Assert.Equal(32L, PromptKwargsResolver.GenerationKwargs(spec, "default")["max_new_tokens"]);
        var lladav = PromptKwargsResolver.GenerationKwargs(spec, "lladav");
        Assert.Equal((32L, 16L, 32L, "no_think"), ((long)lladav["gen_length"]!, (long)lladav["steps"]!, (long)lladav["block_length"]!, (string)lladav["think_mode"]!));
        Assert.Equal(1024L, PromptKwargsResolver.GenerationKwargs(spec, "llama3v")["max_new_tokens"]);
    }

    /// <summary>
    /// Sample (answers, response): 0 ["1/8/93"] "1/8/93"; 1 ["University of Iowa", …] "university of iowa";
    /// 2 ["$1,250"] "1,250"; 3 ["Smith"] "…Mr. Smith. Answer: **Smith**."; 4 ["10:30 a.m."] "Reason: …\nAnswer: 10:30 a.m.";
    /// 5 ["Coca-Cola"] "".
    /// Default (whole response): 1, 1, 5/6, 0 (long sentence: distance ≥ 50 of ~55), 0 (same), 0 → (2 + 5/6) / 6 = 17/36.
    /// lladav (text after the last "Answer:", else "None"): 0 ("none" vs "1/8/93": distance 6 / 6), 0 ("none" vs
    /// "university of iowa": distance ≥ 14 of 18), 0 ("none" vs "$1,250": 6 / 6), 1 ("Smith"), 0.6 ("30 a.m"), 0
    /// ("None" vs "Coca-Cola": distance ≥ 5 of 9 → < 0.5) → 1.6 / 6.
    /// </summary>
    [Fact]
    public void Docvqa_sample_scores_match_the_hand_computed_values()
    {
        Assert.Equal(17.0 / 36, TaskSamples.Aggregate(Docvqa, "anls", "none").Value!.Value, 12);
        Assert.Equal(1.6 / 6, TaskSamples.Aggregate(Docvqa, "anls", "none", model: "lladav").Value!.Value, 12);
        var lladav = TaskSamples.ScoreFiltered(Docvqa, "lladav").Select(s => s.Score.Extraction).ToList();
        Assert.Equal(
            [ExtractionStatus.Unparseable, ExtractionStatus.Unparseable, ExtractionStatus.Unparseable, ExtractionStatus.Parsed, ExtractionStatus.Parsed, ExtractionStatus.Unparseable],
            lladav.Select(e => e.Status));
        Assert.Equal(["None", "None", "None", "Smith", "30 a.m", "None"], lladav.Select(e => e.Answer));
        Assert.Equal(ExtractionStatus.Unparseable, TaskSamples.ScoreFiltered(Docvqa)[5].Score.Extraction.Status);
    }

    /// <summary>
    /// InfoVQA sample (answers, response): 0 ["45%"] "45%"; 1 ["2015", "2015-16"] "2016"; 2 ["north america"]
    /// "Answer: North America"; 3 ["3"] "**Answer:** 3"; 4 ["twitter"] "I first thought Answer: facebook; final Answer: Twitter.".
    /// Default: 1; 0.75 (see Anls_takes_the_best_gold); 1 − 8/21 = 13/21 (delete "answer: ", raw length 21);
    /// 0 ("**answer:** 3" vs "3": 12 / 13 → 1/13 < 0.5); 0 (long) → (1.75 + 13/21) / 5.
    /// lladav: 0 ("none" vs "45%": 4 / 4); 0 ("none" vs "2015": 4 / 4, vs "2015-16": 7 / 7); 1; 1; 1 → 3 / 5.
    /// </summary>
    [Fact]
    public void Infovqa_sample_scores_match_the_hand_computed_values()
    {
        Assert.Equal((1.75 + 13.0 / 21) / 5, TaskSamples.Aggregate("infovqa_val", "anls", "none").Value!.Value, 12);
        Assert.Equal(0.6, TaskSamples.Aggregate("infovqa_val", "anls", "none", model: "lladav").Value!.Value, 12);
        Assert.Equal("Which region has the most users?\nAnswer the question using a single word or phrase.", TaskSamples.Prompt("infovqa_val", 2));
    }

    [Fact]
    public void Without_the_answer_format_kwarg_the_whole_response_is_scored()
    {
        // A ScoringContext built without Kwargs (e.g. by a runner that does not set them) scores the upstream way.
        var score = TaskSamples.Task(Docvqa).ProcessResults(TaskSamples.Docs(Docvqa)[3], "Answer: Smith", TaskSamples.Context(Docvqa, 3));
        // "answer: smith" vs "smith": distance 8, raw length 13 → 1 − 8/13 = 5/13 < 0.5 → 0.
        Assert.Equal(0.0, (double)score.Get("anls")!, 12);
        Assert.Equal("anls.whole_response", score.Extraction.Rule);
    }
}
