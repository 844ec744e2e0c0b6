using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Families.Ai2d;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Realworldqa;

/// <summary>
/// RealWorldQA (<c>realworldqa</c>) hooks, ported from lmms-eval 75571cf <c>tasks/realworldqa/utils.py</c>
/// (docs/LMMS-EVAL.md §2.12), with the pre-2026-04-11 rule (commit 9ca4445d replaced it) behind
/// <see cref="ScoringRules.Legacy2025"/>.
/// </summary>
public sealed partial class RealworldqaFamily : ITaskFamily
{
    /// <summary>The dataset's own instruction, removed from the question when a non-empty post_prompt replaces it.</summary>
    public const string ReplacePrompt = "Please answer directly with only the letter of the correct option and nothing else.";

    private static readonly string[] s_choices = ["A", "B", "C", "D"];

    /// <summary>Legacy <c>NumberWordsToDigitsFilter</c> mapping (a whole response equal to the word, any case).</summary>
    private static readonly Dictionary<string, string> s_numberWords = new(StringComparer.Ordinal)
    {
        ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5",
        ["six"] = "6", ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10",
    };

    public string Name => "realworldqa";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("realworldqa.doc_to_text", DocToText);
        hooks.AddDocToVisual("realworldqa.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddProcessResults("realworldqa.process_results", ProcessResults, "exact_match");
    }

    /// <summary>
    /// <c>realworldqa_doc_to_text</c>: <c>question.strip()</c>; the pre_prompt if the key is present; a non-empty
    /// post_prompt replaces the dataset's own instruction sentence.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var question = PyStr.Strip(doc.RequireString("question"));
        var pre = kwargs.GetString("pre_prompt");
        var post = kwargs.GetString("post_prompt");
        if (post.Length > 0)
        {
            question = question.Replace(ReplacePrompt, "", StringComparison.Ordinal);
        }

        return pre + question + post;
    }

    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var gold = PyStr.Strip(doc.RequireString("answer"));
        var (score, extraction) = context.Rules == ScoringRules.Legacy2025
            ? ScoreLegacy(doc, response, gold)
            : ScoreCurrent(response, gold);
        return SampleScore.Of(extraction, ("exact_match", score));
    }

    /// <summary>
    /// HEAD (9ca4445d, "use extract_mcq_answer"): a letter gold (A–D) is compared with
    /// <c>extract_mcq_answer(pred, ["A","B","C","D"])</c> case-insensitively; any other gold (counts, yes/no) with
    /// <c>pred.lower().strip().rstrip(".") == gold.lower()</c>.
    /// </summary>
    public static (double Score, Extraction Extraction) ScoreCurrent(string response, string gold)
    {
        if (s_choices.Contains(gold.ToUpperInvariant()))
        {
            var (letter, format) = McqExtractor.ExtractWithFormat(response, s_choices);
            var status = format is null ? ExtractionStatus.Unparseable : format == McqExtractor.Format.Fallback ? ExtractionStatus.Fallback : ExtractionStatus.Parsed;
            var extraction = new Extraction($"extract_mcq_answer.{format?.ToString().ToLowerInvariant() ?? "none"}", status, letter);
            return (PyStr.Lower(letter) == PyStr.Lower(gold) ? 1.0 : 0.0, extraction);
        }

        var pred = PyStr.Strip(PyStr.Lower(response)).TrimEnd('.');
        var open = new Extraction("realworldqa.open_answer", pred.Length == 0 ? ExtractionStatus.Unparseable : ExtractionStatus.Parsed, pred);
        return (pred == PyStr.Lower(gold) ? 1.0 : 0.0, open);
    }

    /// <summary>
    /// The 2025 rule (realworldqa.yaml before 9ca4445d): filter <c>flexible-extract</c> =
    /// <c>NumberWordsToDigitsFilter</c> then the task's <c>MultiChoiceRegexFilter</c>, then <c>exact_match</c> with
    /// ignore_case and ignore_punctuation against <c>answer</c>.
    /// </summary>
    public static (double Score, Extraction Extraction) ScoreLegacy(Doc doc, string response, string gold)
    {
        var mapped = s_numberWords.GetValueOrDefault(PyStr.Lower(response), response);
        var (filtered, matchedChoice) = LegacyChoiceFilter(doc.RequireString("question"), mapped);
        var score = Metrics.BuiltinMetrics.ExactMatch(filtered, gold, Ai2dFamily.ExactMatchArgs);
        var status = matchedChoice ? ExtractionStatus.Parsed
            : filtered.Length == 0 ? ExtractionStatus.Unparseable
            : ExtractionStatus.Fallback;
        var rule = matchedChoice ? "realworldqa.flexible_extract_2025.choice_text" : "realworldqa.flexible_extract_2025.cleaned_response";
        return (score, new Extraction(rule, status, filtered));
    }

    /// <summary>
    /// The legacy <c>MultiChoiceRegexFilter.apply</c>: options are read from the question with
    /// <c>\b([A-Z])\.\s+([^\n]*)</c> and lettered A, B, C… in order found (not by the letter written); the response
    /// loses every character that is neither a word character nor whitespace (<c>re.sub(r"[^\w\s]", "", resp).strip()</c>);
    /// the first (leftmost) occurrence of any option text maps to its letter, else the cleaned response is kept.
    /// </summary>
    public static (string Filtered, bool MatchedChoice) LegacyChoiceFilter(string question, string response)
    {
        var choiceToAlpha = new Dictionary<string, string>(StringComparer.Ordinal);
        var alternatives = new List<string>();
        var next = 'A';
        foreach (Match m in OptionLine().Matches(question))
        {
            var text = PyStr.Strip(m.Groups[2].Value);
            alternatives.Add(Regex.Escape(text));
            choiceToAlpha[text] = next.ToString();
            next++;
        }

        var cleaned = PyStr.Strip(NonWord().Replace(response, ""));
        var match = Regex.Match(cleaned, string.Join("|", alternatives), RegexOptions.None, TimeSpan.FromSeconds(2));
        return match.Success && choiceToAlpha.TryGetValue(match.Value, out var letter) ? (letter, true) : (cleaned, false);
    }

    [GeneratedRegex(@"\b([A-Z])\.\s+([^\n]*)")]
    private static partial Regex OptionLine();

    [GeneratedRegex(@"[^\w\s]")]
    private static partial Regex NonWord();
}
