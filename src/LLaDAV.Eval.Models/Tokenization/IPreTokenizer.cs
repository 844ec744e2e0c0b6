namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// Splits text into pre-tokens, the units the model encodes independently (HF <c>PreTokenizer</c>). Empty pieces are
/// never emitted (tokenizers/src/tokenizer/pre_tokenizer.rs drops them in <c>PreTokenizedString::split</c>).
/// </summary>
internal interface IPreTokenizer
{
    /// <summary>Whether the pieces must be mapped to the byte-level alphabet before the model sees them.</summary>
    bool MapsToBytes { get; }

    /// <summary>Appends the pieces of <paramref name="piece"/> to <paramref name="output"/>.</summary>
    void PreTokenize(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output);
}

/// <summary><c>Sequence</c>: each pre-tokenizer splits every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public bool MapsToBytes { get; } = steps.Any(s => s.MapsToBytes);

    public void PreTokenize(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output)
    {
        if (steps.Count == 0)
        {
            if (!piece.IsEmpty)
            {
                output.Add(piece);
            }

            return;
        }

        List<ReadOnlyMemory<char>> current = [piece];
        for (var i = 0; i < steps.Count; i++)
        {
            var target = i == steps.Count - 1 ? output : new List<ReadOnlyMemory<char>>(current.Count * 2);
            foreach (var p in current)
            {
                steps[i].PreTokenize(p, target);
            }

            current = target;
        }
    }
}
