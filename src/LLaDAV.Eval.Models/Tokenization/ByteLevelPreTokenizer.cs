namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// The <c>ByteLevel</c> pre-tokenizer (tokenizers/src/pre_tokenizers/byte_level.rs): optionally prepends a space to
/// every piece that does not start with one (<c>add_prefix_space</c>), optionally splits with GPT-2's regex
/// (<c>use_regex</c>), and marks the pieces for mapping to the byte-level alphabet. <c>trim_offsets</c> only moves
/// offsets, which this reader does not report.
/// </summary>
internal sealed class ByteLevelPreTokenizer : IPreTokenizer
{
    /// <summary>GPT-2's pre-tokenization pattern, as byte_level.rs spells it.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<SplitPreTokenizer> s_gpt2Split = new(() => SplitPreTokenizer.FromRegex(Gpt2Pattern, SplitBehavior.Isolated, invert: false));

    private readonly bool _addPrefixSpace;
    private readonly bool _useRegex;

    public ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex)
    {
        _addPrefixSpace = addPrefixSpace;
        _useRegex = useRegex;
    }

    public bool MapsToBytes => true;

    public void PreTokenize(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        if (_addPrefixSpace && piece.Span[0] != ' ')
        {
            piece = string.Concat(" ", piece.Span).AsMemory();
        }

        if (_useRegex)
        {
            s_gpt2Split.Value.PreTokenize(piece, output);
        }
        else
        {
            output.Add(piece);
        }
    }
}
