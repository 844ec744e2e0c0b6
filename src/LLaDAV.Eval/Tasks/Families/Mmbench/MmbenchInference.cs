namespace LLaDAV.Eval.Tasks.Families.Mmbench;

/// <summary>
/// MMBench's heuristic answer matching, ported from lmms-eval 75571cf <c>tasks/mmbench/mmbench_evals.py</c>
/// (<c>MMBench_Evaluator.can_infer_option</c>, <c>can_infer_text</c>, <c>can_infer</c>; docs/LMMS-EVAL.md §2.6).
/// </summary>
public static class MmbenchInference
{
    private const string OptionLetters = "ABCDE";

    /// <summary>The (prefix, suffix) wrappings tried after bare tokens, in upstream order.</summary>
    private static readonly (string Prefix, string Suffix)[] s_wrappings =
    [
        ("", "."), ("", ","), ("", ":"), ("", ")"), ("", ")."), ("(", ")"), ("(", ")."), (":", ""), (":", ","), (":", "."), (":", ")"), (":", ")."),
    ];

    /// <summary>Which rule inferred the letter.</summary>
    public enum Rule
    {
        Option,
        Text,
    }

    /// <summary>
    /// <c>can_infer(answer, choices)</c>: the option-letter rule, else the option-text rule; null when neither
    /// finds exactly one letter (upstream returns False).
    /// </summary>
    public static (string Letter, Rule Rule)? CanInfer(string answer, IReadOnlyList<KeyValuePair<string, string>> choices)
    {
        if (CanInferOption(answer) is { } letter)
        {
            return (letter, Rule.Option);
        }

        return CanInferText(answer, choices) is { } byText ? (byText, Rule.Text) : null;
    }

    /// <summary>
    /// <c>can_infer_option(answer, num_choice=5)</c>: whitespace tokens (each stripped); if exactly one of A–E is a bare
    /// token, that letter — unless "A" is a token among more than three (the "A might be a quantifier" guard, which
    /// abandons the bare-token rule altogether); then each wrapping in turn, taking it when exactly one letter
    /// appears in that wrapping.
    /// </summary>
    public static string? CanInferOption(string answer)
    {
        if (answer.Contains("Failed to obtain answer via API", StringComparison.Ordinal))
        {
            return null;
        }

        var splits = Common.PyStr.Split(answer).Select(x => Common.PyStr.Strip(x)).ToList();
        int Count(string prefix, string suffix) => OptionLetters.Count(c => splits.Contains(prefix + c + suffix));

        if (Count("", "") == 1)
        {
            foreach (var ch in OptionLetters)
            {
                if (splits.Contains("A") && splits.Count > 3)
                {
                    break;
                }

                if (splits.Contains(ch.ToString()))
                {
                    return ch.ToString();
                }
            }
        }

        foreach (var (prefix, suffix) in s_wrappings)
        {
            if (Count(prefix, suffix) == 1)
            {
                foreach (var ch in OptionLetters)
                {
                    if (splits.Contains(prefix + ch + suffix))
                    {
                        return ch.ToString();
                    }
                }
            }
        }

        return null;
    }

    /// <summary><c>can_infer_text</c>: exactly one option text (lower-cased) is a substring of the lower-cased answer.</summary>
    public static string? CanInferText(string answer, IReadOnlyList<KeyValuePair<string, string>> choices)
    {
        var lower = Common.PyStr.Lower(answer);
        var candidates = choices.Where(kv => lower.Contains(Common.PyStr.Lower(kv.Value), StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }
}
