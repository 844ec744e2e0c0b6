namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// lmms-eval's shared <c>extract_mcq_answer(response, choices)</c> (<c>tasks/_task_utils/mcq_extract.py</c> at
/// 75571cf; docs/LMMS-EVAL.md §1.14 A): candidates in several formats, ranked by (format priority, position), last
/// occurrence winning within a format.
/// </summary>
public static class McqExtractor
{
    public static readonly IReadOnlyList<string> DefaultChoices = ["A", "B", "C", "D", "E", "F", "G", "H"];

    private static readonly string[] s_phrases =
    [
        "the answer is", "answer is", "the correct answer is", "correct answer is", "the best answer is",
        "best answer is", "the correct option is", "correct option is", "the best option is", "best option is",
        "the choice is", "choice is", "the correct choice is", "correct choice is", "i choose", "i select", "i pick",
        "my answer is", "my choice is", "옵션", "정답은", "답은", "답:", "答案是", "答案为", "选", "答えは",
    ];

    /// <summary>The format a candidate was found in; the value is its priority.</summary>
    public enum Format
    {
        Fallback = 0,
        Space = 2,
        RightParen = 3,
        Colon = 4,
        Period = 5,
        Parentheses = 6,
        Phrase = 7,
        End = 9,
        Start = 10,
    }

    /// <summary>The chosen letter, or "" when none of <paramref name="choices"/> occurs.</summary>
    public static string Extract(string? response, IReadOnlyList<string>? choices = null) => ExtractWithFormat(response, choices).Letter;

    public static (string Letter, Format? Format) ExtractWithFormat(string? response, IReadOnlyList<string>? choices = null)
    {
        if (string.IsNullOrEmpty(response) || PyStr.Strip(response).Length == 0)
        {
            return ("", null);
        }

        var all = choices is { Count: > 0 } ? choices : DefaultChoices;
        var text = PyStr.Strip(response);
        foreach (var ch in ",.!?;:'\"")
        {
            text = PyStr.Strip(text, ch.ToString());
        }

        text = " " + text + " ";
        var candidates = new List<(string Letter, int Position, Format Format)>();
        void Pattern(Func<string, string> make, Format format)
        {
            foreach (var ch in all)
            {
                var needle = make(ch);
                var at = text.LastIndexOf(needle, StringComparison.Ordinal);
                if (at >= 0)
                {
                    candidates.Add((ch, at, format));
                }
            }
        }

        Pattern(c => $"({c})", Format.Parentheses);
        Pattern(c => $"{c}.", Format.Period);
        Pattern(c => $"{c}:", Format.Colon);
        Pattern(c => $"{c})", Format.RightParen);
        Pattern(c => $"{c} ", Format.Space);

        var lower = PyStr.Lower(text);
        foreach (var phrase in s_phrases)
        {
            var idx = lower.IndexOf(phrase, StringComparison.Ordinal);
            if (idx < 0)
            {
                continue;
            }

            var after = idx + phrase.Length;
            foreach (var ch in all)
            {
                var pos = text.IndexOf(ch, after, StringComparison.Ordinal);
                if (pos >= 0)
                {
                    candidates.Add((ch, pos, Format.Phrase));
                }
            }
        }

        var stripped = PyStr.Strip(text);
        foreach (var ch in all)
        {
            if (stripped.StartsWith(ch, StringComparison.Ordinal) && (stripped.Length == 1 || !PyStr.IsAlpha(stripped[1])))
            {
                candidates.Add((ch, 0, Format.Start));
            }
        }

        foreach (var ch in all)
        {
            if (stripped.EndsWith(ch, StringComparison.Ordinal) && (stripped.Length == 1 || !PyStr.IsAlpha(stripped[^2])))
            {
                candidates.Add((ch, text.Length - 1, Format.End));
            }
        }

        if (candidates.Count == 0)
        {
            Pattern(c => c, Format.Fallback);
        }

        if (candidates.Count == 0)
        {
            return ("", null);
        }

        // Python's sort(reverse=True) is stable: among equal keys the first appended stays first.
        var best = candidates
            .Select((c, i) => (c, i))
            .OrderByDescending(x => (int)x.c.Format)
            .ThenByDescending(x => x.c.Position)
            .ThenBy(x => x.i)
            .First().c;
        return (best.Letter, best.Format);
    }
}
