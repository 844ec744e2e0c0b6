using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tasks.Families.Mvbench;

/// <summary>
/// MVBench's <c>mcq_acc(answer, pred)</c> (lmms-eval 75571cf <c>tasks/mvbench/utils.py</c>; docs/LMMS-EVAL.md §2.18):
/// both sides go through <see cref="Process"/>, the score is their equality.
/// </summary>
public static partial class MvbenchMcqAcc
{
    /// <summary>The punctuation list of utils.py <c>processPunctuation</c> (VQA-eval style), in its order.</summary>
    private static readonly string[] s_punct = [";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"];

    public static int Score(string answer, string pred) => Process(pred) == Process(answer) ? 1 : 0;

    /// <summary>
    /// <c>process</c>: <c>^([A-E])\.\s*(.+)$</c> (ignore case) on the stripped text → that letter, upper-cased.
    /// Otherwise newlines and tabs become spaces, strip, <see cref="ProcessPunctuation"/>, strip the characters
    /// <c>' " ) (</c> one class at a time, strip, lower; then the first A-E standing alone (<c>\b([A-E])\b</c>,
    /// ignore case) upper-cased, else the processed text itself.
    /// </summary>
    public static string Process(string text)
    {
        var option = OptionPrefix().Match(PyStr.Strip(text));
        if (option.Success)
        {
            return option.Groups[1].Value.ToUpperInvariant();
        }

        var s = text.Replace("\n", " ", StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal);
        s = PyStr.Strip(s);
        s = ProcessPunctuation(s);
        s = PyStr.Strip(s, "'");
        s = PyStr.Strip(s, "\"");
        s = PyStr.Strip(s, ")");
        s = PyStr.Strip(s, "(");
        s = PyStr.Lower(PyStr.Strip(s));
        return StandaloneLetter(s) is { } letter ? letter : s;
    }

    /// <summary>
    /// <c>processPunctuation</c>: each mark is deleted when the ORIGINAL text has it before or after a space, or
    /// has a digit-comma-digit anywhere, and becomes a space otherwise; then periods not followed by a digit are
    /// deleted. utils.py's period pattern <c>(?!&lt;=\d)(\.)(?!\d)</c> has a look-ahead where a look-behind was meant,
    /// so a period after a digit goes too, and it passes <c>re.UNICODE</c> (32) as <c>sub</c>'s count: at most 32
    /// periods are removed.
    /// </summary>
    public static string ProcessPunctuation(string inText)
    {
        var outText = inText;
        var commaNumber = CommaStrip().IsMatch(inText);
        foreach (var p in s_punct)
        {
            var delete = inText.Contains(p + " ", StringComparison.Ordinal) || inText.Contains(" " + p, StringComparison.Ordinal) || commaNumber;
            outText = outText.Replace(p, delete ? "" : " ", StringComparison.Ordinal);
        }

        return PeriodStrip().Replace(outText, "", 32);
    }

    /// <summary>
    /// <c>re.search(r"\b([A-E])\b", s, re.IGNORECASE)</c> with Python's Unicode word characters (letters, all
    /// numbers, "_"), which differ from .NET's <c>\w</c> (marks, other connector punctuation).
    /// </summary>
    public static string? StandaloneLetter(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is (>= 'A' and <= 'E') or (>= 'a' and <= 'e'))
            {
                var before = i > 0 && IsWordRune(Rune.DecodeLastFromUtf16(s.AsSpan(0, i), out var prev, out _) == System.Buffers.OperationStatus.Done ? prev : Rune.ReplacementChar);
                var after = i + 1 < s.Length && IsWordRune(Rune.DecodeFromUtf16(s.AsSpan(i + 1), out var next, out _) == System.Buffers.OperationStatus.Done ? next : Rune.ReplacementChar);
                if (!before && !after)
                {
                    return char.ToUpperInvariant(c).ToString();
                }
            }
        }

        return null;
    }

    /// <summary>Python's <c>\w</c> for str patterns: alphanumeric (any letter or number category) or underscore.</summary>
    private static bool IsWordRune(Rune r)
    {
        if (r.Value == '_')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            _ => false,
        };
    }

    [GeneratedRegex(@"^([A-E])\.\s*(.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OptionPrefix();

    [GeneratedRegex(@"(\d)(\,)(\d)")]
    private static partial Regex CommaStrip();

    [GeneratedRegex(@"\.(?!\d)")]
    private static partial Regex PeriodStrip();
}
