using System.Text.RegularExpressions;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tasks.Families.Ai2d;

/// <summary>
/// The <c>MultiChoiceRegexFilter</c> class that lmms-eval's <c>tasks/ai2d/utils.py</c> and <c>tasks/muirbench/utils.py</c>
/// both define (the <c>flexible-extract</c> filter; docs/LMMS-EVAL.md §2.9, §2.13). Its YAML arguments (regex_pattern
/// "([A-Z])\\.", group_select, ignore_case, ignore_punctuation) are accepted and unused, exactly as upstream:
/// <c>apply</c> only tries <c>^\s*([A-Z])\.</c> (<c>re.match</c>, case-sensitive) on the response; a match gives the
/// letter, anything else passes through unchanged.
/// </summary>
public static partial class LeadingLetterFilter
{
    public static string Apply(string response)
    {
        var m = LeadingLetter().Match(response);
        return m.Success ? m.Groups[1].Value : response;
    }

    /// <summary>
    /// How a filtered answer reads as a letter, for the extraction diagnostics: a bare capital letter (the filter's
    /// output, or a response that was just the letter) is Parsed; a response that only becomes a single letter once
    /// case (and, for AI2D, ASCII punctuation) is ignored ("b", "(b)") is left to the scorer's normalisation, a Fallback;
    /// anything else cannot equal a letter gold and is Unparseable.
    /// </summary>
    /// <param name="rulePrefix">The task family, e.g. "ai2d".</param>
    /// <param name="filtered">The flexible-extract output.</param>
    /// <param name="ignorePunctuation">
    /// True when the scorer deletes ASCII punctuation (AI2D's exact_match); false when it only lower-cases and strips
    /// (MuirBench's aggregation), where "(C)" can never equal "C".
    /// </param>
    public static Extraction Classify(string rulePrefix, string filtered, bool ignorePunctuation)
    {
        if (filtered.Length == 1 && filtered[0] is >= 'A' and <= 'Z')
        {
            return new Extraction(rulePrefix + ".multi_choice_regex", ExtractionStatus.Parsed, filtered);
        }

        var folded = ignorePunctuation ? Normalize(filtered) : PyStr.Strip(PyStr.Lower(filtered));
        if (folded.Length == 1 && folded[0] is >= 'a' and <= 'z')
        {
            return new Extraction(rulePrefix + ".normalized_response", ExtractionStatus.Fallback, folded.ToUpperInvariant());
        }

        return new Extraction(rulePrefix + ".raw_response", ExtractionStatus.Unparseable, filtered);
    }

    /// <summary>HF exact_match's <c>ignore_case</c> + <c>ignore_punctuation</c> normalisation (lower, delete string.punctuation).</summary>
    public static string Normalize(string s)
    {
        var lower = PyStr.Lower(s);
        return string.Concat(lower.Where(c => !AsciiPunctuation.Contains(c, StringComparison.Ordinal)));
    }

    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [GeneratedRegex(@"^\s*([A-Z])\.")]
    private static partial Regex LeadingLetter();
}
