using System.Text.RegularExpressions;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tasks.Families.Mmmu;

/// <summary>
/// MMMU's answer parsers as lmms-eval 75571cf runs them (<c>tasks/mmmu/utils.py</c>,
/// <c>_task_utils/mmmu_mcq_utils.py</c>; docs/LMMS-EVAL.md §1.14 B and C). Shared with MMMU-Pro standard.
/// </summary>
public static partial class MmmuParsing
{
    /// <summary>A normalised answer: a number (rounded to 2 places) or a lower-cased string.</summary>
    public abstract record Norm;

    public sealed record NumberNorm(double Value) : Norm;

    public sealed record TextNorm(string Value) : Norm;

    /// <summary><c>get_multi_choice_info</c>: letters A, B, … for the options, and letter → option text.</summary>
    public static (IReadOnlyList<string> Choices, IReadOnlyDictionary<string, string> IndexToAnswer) MultiChoiceInfo(IReadOnlyList<string> options)
    {
        var choices = new List<string>();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var letter = ((char)('A' + i)).ToString();
            choices.Add(letter);
            map[letter] = options[i];
        }

        return (choices, map);
    }

    /// <summary>
    /// <c>parse_multi_choice_response</c>. Returns null when no candidate is found: the caller applies lmms-eval's
    /// <c>random.choice(all_choices)</c>, made deterministic from the doc seed.
    /// </summary>
    public static string? ParseMultiChoice(string response, IReadOnlyList<string> allChoices, IReadOnlyDictionary<string, string> indexToAnswer)
    {
        foreach (var ch in ",.!?;:'")
        {
            response = PyStr.Strip(response, ch.ToString());
        }

        response = " " + response + " ";
        var indexAns = true;
        var withBracket = false;
        var candidates = new List<string>();
        foreach (var c in allChoices)
        {
            if (response.Contains($"({c})", StringComparison.Ordinal))
            {
                candidates.Add(c);
                withBracket = true;
            }
        }

        if (candidates.Count == 0)
        {
            candidates.AddRange(allChoices.Where(c => response.Contains($"{c} ", StringComparison.Ordinal)));
        }

        if (candidates.Count == 0)
        {
            candidates.AddRange(allChoices.Where(c => response.Contains($"{c}.", StringComparison.Ordinal)));
        }

        if (candidates.Count == 0 && PyStr.Split(response).Length > 5)
        {
            var lowerResponse = PyStr.Lower(response);
            foreach (var (index, answer) in indexToAnswer)
            {
                if (lowerResponse.Contains(PyStr.Lower(answer), StringComparison.Ordinal))
                {
                    candidates.Add(index);
                    indexAns = false;
                }
            }
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        // np.argmax: the first of the largest start indexes.
        var lower = PyStr.Lower(response);
        var best = 0;
        var bestIndex = int.MinValue;
        for (var i = 0; i < candidates.Count; i++)
        {
            var can = candidates[i];
            var at = !indexAns ? lower.LastIndexOf(PyStr.Lower(indexToAnswer[can]), StringComparison.Ordinal)
                : withBracket ? response.LastIndexOf($"({can})", StringComparison.Ordinal)
                : response.LastIndexOf($" {can} ", StringComparison.Ordinal);
            if (at > bestIndex)
            {
                bestIndex = at;
                best = i;
            }
        }

        return candidates[best];
    }

    /// <summary>
    /// <c>parse_multi_choice_response</c> over an options list, with lmms-eval's <c>random.choice(all_choices)</c>
    /// when nothing matches made reproducible: drawn from the doc seed, so it does not depend on process count.
    /// </summary>
    public static (string Pick, Metrics.Extraction Extraction) ParseMultiChoiceOrDraw(string response, IReadOnlyList<string> options, ulong docSeed)
    {
        var (choices, indexToAnswer) = MultiChoiceInfo(options);
        if (ParseMultiChoice(response, choices, indexToAnswer) is { } pick)
        {
            return (pick, Metrics.Extraction.Direct("mmmu.parse_multi_choice_response", pick));
        }

        var drawn = choices[Running.DocRandom.Index(docSeed, "mmmu.random_choice", choices.Count)];
        return (drawn, new Metrics.Extraction("mmmu.parse_multi_choice_response.random_choice", Metrics.ExtractionStatus.Fallback, drawn));
    }

    /// <summary>
    /// <c>mmmu_doc_to_visual</c>: the <c>&lt;image k&gt;</c> tags of the prompt, unique, sorted as strings, read from the
    /// <c>image_k</c> columns (docs/LMMS-EVAL.md §2.1; MMMU-Pro standard does the same).
    /// </summary>
    public static IReadOnlyList<Data.VisualRef> ImagesNamedIn(Data.Doc doc, string prompt) =>
        ImageTag().Matches(prompt)
            .Select(m => PyStr.Strip(m.Value, "<>").Replace(' ', '_'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(col => (Data.VisualRef)Data.ImageRef.FromColumn(doc, col))
            .ToList();

    /// <summary><c>parse_open_response</c>: key sub-responses and the numbers in them, normalised, de-duplicated.</summary>
    public static IReadOnlyList<Norm> ParseOpen(string response)
    {
        var keys = KeySubResponses(response);
        var predictions = new List<string>(keys);
        foreach (var key in keys)
        {
            predictions.AddRange(ExtractNumbers(key));
        }

        // Python de-duplicates with set(); order does not change the verdict, so first occurrence keeps it stable.
        var result = new List<Norm>();
        foreach (var p in predictions.SelectMany(NormalizeStr))
        {
            if (!result.Contains(p))
            {
                result.Add(p);
            }
        }

        return result;
    }

    private static List<string> KeySubResponses(string response)
    {
        response = PyStr.Lower(PyStr.Strip(PyStr.Strip(response), "."));
        var subs = SentenceSplit().Split(response);
        var indicators = new List<string> { "could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result " };
        var keys = new List<string>();
        for (var index = 0; index < subs.Length; index++)
        {
            var resp = subs[index];
            if (index == subs.Length - 1)
            {
                indicators.Add("=");
            }

            string? shortest = null;
            foreach (var indicator in indicators)
            {
                if (!resp.Contains(indicator, StringComparison.Ordinal))
                {
                    continue;
                }

                var tail = PyStr.Strip(resp[(resp.LastIndexOf(indicator, StringComparison.Ordinal) + indicator.Length)..]);

                // `if not shortest_key_response` treats "" like None: a later indicator may replace it.
                if (string.IsNullOrEmpty(shortest) || tail.Length < shortest.Length)
                {
                    shortest = tail;
                }
            }

            if (!string.IsNullOrEmpty(shortest) && PyStr.Strip(shortest) is not (":" or "," or "." or "!" or "?" or ";" or "'"))
            {
                keys.Add(shortest);
            }
        }

        return keys.Count == 0 ? [response] : keys;
    }

    /// <summary><c>extract_numbers</c>: comma-grouped, scientific, then simple numbers, in that order.</summary>
    public static IEnumerable<string> ExtractNumbers(string s) =>
        CommaNumbers().Matches(s).Select(m => m.Value)
            .Concat(ScientificNumbers().Matches(s).Select(m => m.Value))
            .Concat(SimpleNumbers().Matches(s).Select(m => m.Value));

    /// <summary><c>normalize_str</c>: a number → [round(float, 2)]; else lower-cased, and a single character padded both ways.</summary>
    public static IReadOnlyList<Norm> NormalizeStr(string s)
    {
        s = PyStr.Strip(s);
        if (PyFloat.TryParse(s.Replace(",", "", StringComparison.Ordinal), out var value))
        {
            return [new NumberNorm(PyFloat.Round(value, 2))];
        }

        s = PyStr.Lower(s);
        return s.Length == 1 ? [new TextNorm(" " + s), new TextNorm(s + " ")] : [new TextNorm(s)];
    }

    /// <summary><c>eval_open</c>: a text gold inside a text prediction, or a numeric prediction equal to a numeric gold.</summary>
    public static bool EvalOpen(IReadOnlyList<string> golds, IReadOnlyList<Norm> predictions)
    {
        var normGolds = golds.SelectMany(NormalizeStr).ToList();
        foreach (var p in predictions)
        {
            switch (p)
            {
                case TextNorm t when normGolds.OfType<TextNorm>().Any(g => t.Value.Contains(g.Value, StringComparison.Ordinal)):
                    return true;
                case NumberNorm n when normGolds.OfType<NumberNorm>().Any(g => g.Value.Equals(n.Value)):
                    return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"<image \d+>")]
    private static partial Regex ImageTag();

    // `re.split(r"\.\s(?=[A-Z])|\n", ...)` runs after lower-casing, so in effect only newlines split (§1.14 C).
    [GeneratedRegex(@"\.\s(?=[A-Z])|\n")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"-?\b\d{1,3}(?:,\d{3})+\b")]
    private static partial Regex CommaNumbers();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?[eE][+-]?\d+")]
    private static partial Regex ScientificNumbers();

    [GeneratedRegex(@"-?(?:\d+\.\d+|\.\d+|\d+\b)(?![eE][+-]?\d+)(?![,\d])")]
    private static partial Regex SimpleNumbers();
}
