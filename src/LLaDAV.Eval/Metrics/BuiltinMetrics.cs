using System.Text;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Metrics;

/// <summary>
/// lmms-eval's generic metric functions (<c>api/metrics.py</c>, docs/LMMS-EVAL.md §1.14 D and E) for tasks without a
/// <c>process_results</c> hook.
/// </summary>
public static class BuiltinMetrics
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "exact_match", "anls" };

    /// <summary>string.punctuation: the ASCII punctuation Python deletes with <c>ignore_punctuation</c>.</summary>
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// HF-evaluate <c>exact_match</c>: regexes removed, optional lower-casing, ASCII punctuation and digits deleted,
    /// then string equality.
    /// </summary>
    public static double ExactMatch(string prediction, string reference, IReadOnlyDictionary<string, object?> args)
    {
        string Prep(string s)
        {
            if (args.TryGetValue("regexes_to_ignore", out var r) && r is IEnumerable<object?> regexes)
            {
                foreach (var re in regexes.OfType<string>())
                {
                    s = Regex.Replace(s, re, "", RegexOptions.None, TimeSpan.FromSeconds(2));
                }
            }

            if (Flag(args, "ignore_case"))
            {
                s = PyStr.Lower(s);
            }

            if (Flag(args, "ignore_punctuation"))
            {
                s = Delete(s, AsciiPunctuation);
            }

            if (Flag(args, "ignore_numbers"))
            {
                s = Delete(s, "0123456789");
            }

            return s;
        }

        return Prep(prediction) == Prep(reference) ? 1.0 : 0.0;
    }

    /// <summary>
    /// <c>anls</c> with threshold 0.5: Levenshtein distance between whitespace-normalised lower-cased strings,
    /// divided by the longer of the two RAW lengths as Python counts them, len(s.upper()) (lmms-eval quirk, §5 item 6); 1 - min over golds; below 0.5 → 0.
    /// </summary>
    public static double Anls(string prediction, IReadOnlyList<string> golds, double threshold = 0.5)
    {
        var best = double.MaxValue;
        foreach (var gold in golds)
        {
            var a = string.Join(' ', PyStr.Split(PyStr.Lower(PyStr.Strip(gold))));
            var b = string.Join(' ', PyStr.Split(PyStr.Lower(PyStr.Strip(prediction))));

            // Python: max(len(answer.upper()), len(pred.upper())), distances over code points.
            var length = Math.Max(PyStr.UpperLength(gold), PyStr.UpperLength(prediction));
            var value = length == 0 ? 0.0 : (double)Levenshtein(PyStr.CodePoints(a), PyStr.CodePoints(b)) / length;
            best = Math.Min(best, value);
        }

        var score = golds.Count == 0 ? 0.0 : 1.0 - best;
        return score < threshold ? 0.0 : score;
    }

    public static int Levenshtein(string a, string b) => Levenshtein(a.ToCharArray(), b.ToCharArray());

    /// <summary>Edit distance (insert, delete, substitute; cost 1 each) between two sequences.</summary>
    public static int Levenshtein<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
        where T : IEquatable<T>
    {
        var prev = new int[b.Count + 1];
        var cur = new int[b.Count + 1];
        for (var j = 0; j <= b.Count; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Count; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Count; j++)
            {
                var cost = a[i - 1].Equals(b[j - 1]) ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Count];
    }

    private static bool Flag(IReadOnlyDictionary<string, object?> args, string key) => args.TryGetValue(key, out var v) && v is true;

    private static string Delete(string s, string chars)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!chars.Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
