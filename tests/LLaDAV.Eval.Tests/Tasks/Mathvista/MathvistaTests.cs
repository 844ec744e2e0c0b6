using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mathvista;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks.Mathvista;

public sealed class MathvistaTests
{
    private static readonly string[] s_choices = ["3/11", "8/11", "6/11", "3/5"];

    private static (string Extracted, Extraction Extraction) Extract(string response, string questionType, string answerType, IReadOnlyList<string>? choices = null)
    {
        var (extracted, extraction, error) = MathvistaFamily.Extract(response, "query", questionType, answerType, choices ?? [], judge: null);
        Assert.Null(error);
        return (extracted, extraction);
    }

    [Theory]
    [InlineData("14", "integer", "14", "mathvista.int_response")]
    [InlineData("+7", "integer", "7", "mathvista.int_response")]
    [InlineData("1_000", "integer", "1000", "mathvista.int_response")] // Python int() accepts digit underscores
    [InlineData("１４", "integer", "14", "mathvista.int_response")] // ...and full-width digits
    [InlineData("1,000", "integer", "", "mathvista.no_judge")] // commas: int() fails, nothing else applies
    [InlineData("14.0", "integer", "", "mathvista.no_judge")] // int("14.0") fails; the float branch is for float answers only
    [InlineData("\\boxed{14}", "integer", "", "mathvista.no_judge")]
    [InlineData("0.60", "float", "0.6", "mathvista.float_response")] // str(float("0.60"))
    [InlineData("1e-1", "float", "0.1", "mathvista.float_response")]
    [InlineData("50%", "float", "", "mathvista.no_judge")]
    [InlineData("The answer is \"7\".", "integer", "7", "mathvista.quick_extract")]
    [InlineData("", "integer", "", "mathvista.empty_response")]
    public void Should_extract_free_form_answers_by_the_rule_path(string response, string answerType, string expected, string rule)
    {
        var (extracted, extraction) = Extract(response, "free_form", answerType);
        Assert.Equal(expected, extracted);
        Assert.Equal(rule, extraction.Rule);
        Assert.Equal(expected.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, extraction.Status);
    }

    [Theory]
    [InlineData("C", "6/11")]
    [InlineData("(b) 8/11", "8/11")] // first "(x)" letter, upper-cased
    [InlineData("6/11 ", "6/11")]
    [InlineData("", "3/5")] // Levenshtein-closest to "": the shortest choice (the judge-less garbage docs/LMMS-EVAL.md warns of)
    [InlineData("8/12", "8/11")]
    [InlineData("E", "3/5")] // not an option letter: d("E", "x/11") = 4 for each 4-char choice, d("E", "3/5") = 3
    public void Should_normalize_multiple_choice_extractions(string extraction, string expected)
    {
        Assert.Equal(expected, MathvistaFamily.Normalize(extraction, s_choices, "multi_choice", "text", null));
    }

    [Theory]
    [InlineData("14.7", "integer", null, "14")] // str(int(float(x)))
    [InlineData("-2.5", "integer", null, "-2")]
    [InlineData("", "integer", null, null)]
    [InlineData("1.449", "float", 2, "1.45")]
    [InlineData("2.675", "float", 2, "2.67")] // round() on the binary value, as Python
    [InlineData("3", "float", 1, "3.0")]
    [InlineData("abc", "float", 1, null)]
    [InlineData("[1, 2]", "list", null, "[1, 2]")]
    public void Should_normalize_free_form_extractions(string extraction, string answerType, int? precision, string? expected)
    {
        Assert.Equal(expected, MathvistaFamily.Normalize(extraction, [], "free_form", answerType, precision));
    }

    [Fact]
    public void Should_render_each_prompt_variant()
    {
        Assert.Equal(
            "What fraction of the shape is blue?\nA. 3/11\nB. 8/11\nC. 6/11\nD. 3/5\nAnswer with the option's letter from the given choices directly.",
            TaskSamples.Prompt("mathvista_testmini_format", 0));
        Assert.Equal(
            "How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)\nAnswer the question using a single floating-point number with two decimal places.",
            TaskSamples.Prompt("mathvista_testmini_format", 6));
        Assert.Equal(
            "Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5\nHint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.",
            TaskSamples.Prompt("mathvista_testmini_cot", 0));
        Assert.Equal(
            "Question: Which number is missing?\nHint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nSolution:",
            TaskSamples.Prompt("mathvista_testmini_solution", 2));
    }

    [Fact]
    public void Should_give_lladav_the_reason_first_prompt_of_the_llada_v_fork()
    {
        Assert.Equal(
            "Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5\nFirst perform reasoning, then finally select the question from the choices in the following format: Answer: xxx.\nIf it is hard to determine, give the closest answer.",
            TaskSamples.Prompt("mathvista_testmini_cot", 0, "lladav"));
        Assert.Equal(
            "Question: What is the fraction of females facing the camera?\nFirst perform reasoning, then finally answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end in the following format: Answer: xxx.\nIf it is hard to determine, give the closest answer.",
            TaskSamples.Prompt("mathvista_testmini_cot", 3, "lladav"));
        Assert.Equal(TaskSamples.Prompt("mathvista_testmini_format", 0), TaskSamples.Prompt("mathvista_testmini_format", 0, "lladav"));
    }

    [Fact]
    public void Should_aggregate_the_format_sample_to_a_hand_computed_percentage()
    {
        // mathvista_testmini_format (gold, response → extraction → normalised), lmms-eval 75571cf
        // mathvista_evals.py normalize_extracted_answer; the sample's precision column is a float (1.0, 2.0) as in
        // the real Parquet files:
        //   1 MC 8/11, "8/11"  → is a choice → "8/11" ✓
        //   2 MC 6/11, "(C)"   → no rule, no judge → "" → closest choice to "" = "3/5" ✗
        //   3 int 14, "14"     → int → "14" ✓
        //   4 float p1.0 0.6, "0.60" → round(0.6, 1.0) raises TypeError → bare except → None ✗
        //   5 int 1000, "1,000" → int() fails → "" → int(float("")) fails → None ✗
        //   6 int 7, 'The answer is "7".' → quick extract "7" ✓
        //   7 float p2.0 1.45, "1.449" → round(1.449, 2.0) raises → None ✗
        // 3 of 7 → round(100·3/7, 2) = round(42.857…, 2) = 42.86.
        var scores = TaskSamples.ScoreAll("mathvista_testmini_format");
        Assert.Equal(42.86, TaskSamples.Aggregate("mathvista_testmini_format", scores)["llm_as_judge_eval"].Value);
        Assert.Null((string?)scores[4].Get("llm_as_judge_eval")!["prediction"]);
        Assert.Null((string?)scores[3].Get("llm_as_judge_eval")!["prediction"]);
        Assert.Equal([3, 6], scores.Select((s, i) => (s, i)).Where(x => x.s.Extraction.Quirk == "mathvista.float_precision").Select(x => x.i));
    }

    [Fact]
    public void Should_round_float_answers_to_int_precision_places_under_the_2025_rules()
    {
        // --scoring 2025 rounds to int(precision) places (MathVista's own calculate_score.py):
        //   4: round(0.6, 1) → "0.6" ✓;  7: round(1.449, 2) → 1.45 → "1.45" ✓  → 5 of 7 → round(71.428…, 2) = 71.43.
        var scores = TaskSamples.ScoreAll("mathvista_testmini_format", rules: ScoringRules.Legacy2025);
        Assert.Equal(71.43, TaskSamples.Aggregate("mathvista_testmini_format", scores)["llm_as_judge_eval"].Value);
        Assert.Equal("1.45", (string?)scores[6].Get("llm_as_judge_eval")!["prediction"]);
        Assert.All(scores, s => Assert.Null(s.Extraction.Quirk));
    }

    [Theory]
    [InlineData(1L, "0.6")] // an int precision (e.g. from a hand-written JSON row) is accepted by round()
    [InlineData(1.0, null)] // a float one is not: None
    public void Should_follow_pythons_round_for_the_precision_type(object precision, string? expected)
    {
        var doc = new Doc(new Dictionary<string, object?>
        {
            ["pid"] = "4", ["question_type"] = "free_form", ["answer_type"] = "float", ["precision"] = precision,
            ["answer"] = "0.6", ["query"] = "q", ["choices"] = null,
        }, ".", "hand.jsonl");
        var score = MathvistaFamily.ProcessResults(doc, "0.60", new ScoringContext("mathvista_testmini_format", 0, 0, ScoringRules.Current, null));
        Assert.Equal(expected, (string?)score.Get("llm_as_judge_eval")!["prediction"]);
    }

    [Fact]
    public void Should_return_none_at_zero_and_round_to_two_places()
    {
        // _cot: every response empty → MC picks "3/5" (wrong for both), the rest None → 0 correct → None.
        Assert.Null(TaskSamples.Aggregate("mathvista_testmini_cot", TaskSamples.ScoreAll("mathvista_testmini_cot"))["llm_as_judge_eval"].Value);

        // _solution: only pid 1 ("8/11") right → round(100/7, 2) = round(14.2857…, 2) = 14.29.
        Assert.Equal(14.29, TaskSamples.Aggregate("mathvista_testmini_solution", TaskSamples.ScoreAll("mathvista_testmini_solution"))["llm_as_judge_eval"].Value);
    }
}
