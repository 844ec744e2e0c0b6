using System.Buffers;
using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>One stretch of the input: either an added token (with its id) or text left for the model.</summary>
internal readonly record struct TextSegment(int Start, int Length, int TokenId)
{
    public bool IsToken => TokenId >= 0;
}

/// <summary>
/// Finds added tokens in text the way HF tokenizers does (<c>AddedVocabulary::find_matches</c> in
/// tokenizers/src/tokenizer/added_vocabulary.rs): an Aho-Corasick scan with leftmost-longest semantics over
/// non-overlapping matches, then per match the <c>single_word</c> test (a match glued to a word character on either
/// side is discarded, and scanning resumes after it), <c>lstrip</c> (swallow the whitespace on the left, but never
/// into the previous match) and <c>rstrip</c> (swallow the whitespace on the right).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, (string Content, AddedToken Token)[]> _byFirstChar;
    private readonly SearchValues<char> _firstChars;

    /// <param name="tokens">The tokens to find, each with the text to match (raw or normalized content).</param>
    public AddedTokenMatcher(IEnumerable<(string Content, AddedToken Token)> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>Appends the segments of <paramref name="text"/>; plain segments are never empty.</summary>
    public void Split(string text, List<TextSegment> output)
    {
        var startOffset = 0;
        var scan = 0;
        while (scan < text.Length)
        {
            var found = text.AsSpan(scan).IndexOfAny(_firstChars);
            if (found < 0)
            {
                break;
            }

            var position = scan + found;
            var match = LongestAt(text, position);
            if (match is null)
            {
                scan = position + 1;
                continue;
            }

            var (content, token) = match.Value;
            var start = position;
            var stop = position + content.Length;
            scan = stop;
            if (token.SingleWord && !IsSingleWord(text, start, stop))
            {
                continue;
            }

            if (token.LStrip)
            {
                // LEFTMOST_SPACE_AT_END: \s*$ on the text before the match (Unicode White_Space, all in the BMP).
                var newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1]))
                {
                    newStart--;
                }

                start = Math.Max(newStart, startOffset);
            }

            if (token.RStrip)
            {
                // RIGHTMOST_SPACE_AT_START: ^\s* on the text after the match.
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }

            if (startOffset < start)
            {
                output.Add(new TextSegment(startOffset, start - startOffset, -1));
            }

            output.Add(new TextSegment(start, stop - start, token.Id));
            startOffset = stop;
            scan = Math.Max(scan, stop);
        }

        if (startOffset < text.Length)
        {
            output.Add(new TextSegment(startOffset, text.Length - startOffset, -1));
        }
    }

    private (string Content, AddedToken Token)? LongestAt(string text, int position)
    {
        var rest = text.AsSpan(position);
        foreach (var candidate in _byFirstChar[text[position]])
        {
            if (rest.StartsWith(candidate.Content, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsSingleWord(string text, int start, int stop)
    {
        var startSpace = start == 0 || !IsWordChar(text, start - 1, before: true);
        var stopSpace = stop == text.Length || !IsWordChar(text, stop, before: false);
        return startSpace && stopSpace;
    }

    // ENDS_WITH_WORD / STARTS_WITH_WORD use the regex crate's Unicode \w: letters, marks, digits, connector punctuation.
    private static bool IsWordChar(string text, int index, bool before)
    {
        // Look at the whole code point next to the match (a surrogate pair when there is one).
        if (before && index > 0 && char.IsLowSurrogate(text[index]))
        {
            index--;
        }

        if (!Rune.TryGetRuneAt(text, index, out var rune))
        {
            return false;
        }

        return Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.ConnectorPunctuation;
    }
}
