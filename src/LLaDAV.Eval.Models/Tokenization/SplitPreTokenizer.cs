using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>What <c>Split</c> does with the delimiters it finds (HF <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

/// <summary>
/// The <c>Split</c> pre-tokenizer (tokenizers/src/pre_tokenizers/split.rs, with the splitting rules of
/// <c>NormalizedString::split</c> in tokenizers/src/tokenizer/normalizer.rs). A <c>Regex</c> pattern is an Oniguruma
/// pattern, translated by <see cref="OnigurumaRegexTranslator"/>; a <c>String</c> pattern is literal.
/// Two compiled regexes are kept: a plain one for text without surrogates (the common case, fastest) and a
/// surrogate-aware one, built on first use, for text with supplementary code points.
/// </summary>
internal sealed class SplitPreTokenizer : IPreTokenizer
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.Multiline;

    private readonly Regex _bmpRegex;
    private readonly Lazy<Regex> _fullRegex;
    private readonly SplitBehavior _behavior;
    private readonly bool _invert;

    private SplitPreTokenizer(Regex bmpRegex, Func<Regex> fullRegex, SplitBehavior behavior, bool invert)
    {
        _bmpRegex = bmpRegex;
        _fullRegex = new Lazy<Regex>(fullRegex, LazyThreadSafetyMode.ExecutionAndPublication);
        _behavior = behavior;
        _invert = invert;
    }

    public bool MapsToBytes => false;

    /// <summary>A split on an Oniguruma regex pattern.</summary>
    public static SplitPreTokenizer FromRegex(string pattern, SplitBehavior behavior, bool invert)
    {
        var bmp = new Regex(OnigurumaRegexTranslator.Translate(pattern, surrogateAware: false), Options);
        return new SplitPreTokenizer(bmp, () => new Regex(OnigurumaRegexTranslator.Translate(pattern, surrogateAware: true), Options), behavior, invert);
    }

    /// <summary>A split on a literal string.</summary>
    public static SplitPreTokenizer FromLiteral(string literal, SplitBehavior behavior, bool invert)
    {
        var regex = new Regex(Regex.Escape(literal), Options);
        return new SplitPreTokenizer(regex, () => regex, behavior, invert);
    }

    public void PreTokenize(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output)
    {
        var span = piece.Span;
        if (span.IsEmpty)
        {
            return;
        }

        var regex = span.ContainsAnyInRange('\uD800', '\uDFFF') ? _fullRegex.Value : _bmpRegex;
        if (_behavior == SplitBehavior.Isolated)
        {
            // Every match and every gap becomes its own piece, whether inverted or not.
            var previous = 0;
            foreach (var m in regex.EnumerateMatches(span))
            {
                if (m.Index > previous)
                {
                    output.Add(piece[previous..m.Index]);
                }

                if (m.Length > 0)
                {
                    output.Add(piece.Slice(m.Index, m.Length));
                }

                previous = m.Index + m.Length;
            }

            if (previous < span.Length)
            {
                output.Add(piece[previous..]);
            }

            return;
        }

        SplitGeneral(piece, regex, output);
    }

    private void SplitGeneral(ReadOnlyMemory<char> piece, Regex regex, List<ReadOnlyMemory<char>> output)
    {
        // Pattern::find_matches for a regex: the text cut into (range, is_match) pieces covering it all.
        var parts = new List<(int Start, int End, bool IsMatch)>();
        var previous = 0;
        foreach (var m in regex.EnumerateMatches(piece.Span))
        {
            if (m.Index != previous)
            {
                parts.Add((previous, m.Index, _invert));
            }

            parts.Add((m.Index, m.Index + m.Length, !_invert));
            previous = m.Index + m.Length;
        }

        if (previous != piece.Length)
        {
            parts.Add((previous, piece.Length, _invert));
        }

        var kept = new List<(int Start, int End, bool Remove)>(parts.Count);
        switch (_behavior)
        {
            case SplitBehavior.Removed:
                kept.AddRange(parts);
                break;
            case SplitBehavior.Contiguous:
                {
                    var previousMatch = false;
                    foreach (var (start, end, isMatch) in parts)
                    {
                        if (isMatch == previousMatch && kept.Count > 0)
                        {
                            kept[^1] = (kept[^1].Start, end, false);
                        }
                        else
                        {
                            kept.Add((start, end, false));
                        }

                        previousMatch = isMatch;
                    }

                    break;
                }

            case SplitBehavior.MergedWithPrevious:
                {
                    var previousMatch = false;
                    foreach (var (start, end, isMatch) in parts)
                    {
                        if (isMatch && !previousMatch && kept.Count > 0)
                        {
                            kept[^1] = (kept[^1].Start, end, false);
                        }
                        else
                        {
                            kept.Add((start, end, false));
                        }

                        previousMatch = isMatch;
                    }

                    break;
                }

            case SplitBehavior.MergedWithNext:
                {
                    var previousMatch = false;
                    for (var i = parts.Count - 1; i >= 0; i--)
                    {
                        var (start, end, isMatch) = parts[i];
                        if (isMatch && !previousMatch && kept.Count > 0)
                        {
                            kept[^1] = (start, kept[^1].End, false);
                        }
                        else
                        {
                            kept.Add((start, end, false));
                        }

                        previousMatch = isMatch;
                    }

                    kept.Reverse();
                    break;
                }

            default:
                throw new InvalidOperationException($"Unexpected split behaviour {_behavior}.");
        }

        foreach (var (start, end, remove) in kept)
        {
            if (!remove && end > start)
            {
                output.Add(piece[start..end]);
            }
        }
    }
}
