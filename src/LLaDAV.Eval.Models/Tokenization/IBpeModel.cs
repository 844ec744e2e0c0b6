namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// The <c>model</c> of <c>tokenizer.json</c>: maps one pre-token (already in the byte-level alphabet when the
/// pre-tokenizer says so) to ids. Everything around it (added tokens, normalizer, pre-tokenizer, post-processor,
/// decoder) is <see cref="HfTokenizer"/>'s.
/// </summary>
internal interface IBpeModel
{
    /// <summary>The model vocabulary, token → id.</summary>
    IReadOnlyDictionary<string, int> Vocab { get; }

    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="output"/>.</summary>
    void Encode(ReadOnlySpan<char> word, List<int> output);
}
