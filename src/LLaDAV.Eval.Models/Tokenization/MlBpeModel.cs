using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;
using MlBpeOptions = Microsoft.ML.Tokenizers.BpeOptions;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// The BPE model on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>: vocabulary and merges (in rank order,
/// first occurrence of a pair kept, as HF's builder does) from <c>tokenizer.json</c>, no pre-tokenizer, no
/// normalizer and no byte-level mapping of its own, because <see cref="HfTokenizer"/> already hands it one
/// pre-token in the byte-level alphabet. Only <c>ignore_merges</c> is ours: ML.Tokenizers has no such option, and
/// HF's <c>BPE::tokenize</c> (tokenizers/src/models/bpe/model.rs) looks the whole word up before merging when it is set.
/// Ids are cached per word in front of it, as HF's model does: a call into <see cref="BpeTokenizer.EncodeToIds(ReadOnlySpan{char}, bool, bool)"/>
/// allocates its result list and checks its settings each time, which made it 0.5-0.66x our merger on
/// the benchmark corpus without this cache (README, "Tokenizer: Microsoft.ML.Tokenizers").
/// </summary>
internal sealed class MlBpeModel : IBpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly BpeTokenizer _bpe;
    private readonly bool _wholeWordFirst;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    private MlBpeModel(Dictionary<string, int> vocab, BpeTokenizer bpe, bool wholeWordFirst)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _bpe = bpe;
        _wholeWordFirst = wholeWordFirst;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private const int CacheCapacity = 200_000;

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Builds the model; <paramref name="merges"/> are in rank order, one per pair.</summary>
    /// <exception cref="TokenizerException">An option ML.Tokenizers' BPE cannot express.</exception>
    public static MlBpeModel Create(
        Dictionary<string, int> vocab,
        IReadOnlyList<ResolvedMerge> merges,
        BpeOptions options,
        string path,
        string key)
    {
        if (options.ByteFallback)
        {
            // The byte-level family never needs it (every byte is in the alphabet); SentencePiece-style BPEs do.
            throw new TokenizerException(path, key + ".byte_fallback", "byte_fallback is not supported (Microsoft.ML.Tokenizers' BPE has no byte fallback); only byte-level BPE tokenizers are");
        }

        var mergeLines = new List<string>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = (merges[rank].Left, merges[rank].Right);

            // ML.Tokenizers reads a merge as "left right": a token holding a space cannot be written that way.
            if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal))
            {
                throw new TokenizerException(path, $"{key}.merges[{rank}]", $"merge \"{left}\" + \"{right}\" has a token with a space, which Microsoft.ML.Tokenizers' BPE cannot read; byte-level BPE writes spaces as 'Ġ'");
            }

            mergeLines.Add(left + " " + right);
        }

        var bpe = BpeTokenizer.Create(new MlBpeOptions(vocab)
        {
            Merges = mergeLines,
            UnknownToken = options.UnkToken,
            FuseUnknownTokens = options.FuseUnk,
            ContinuingSubwordPrefix = options.ContinuingSubwordPrefix,
            EndOfWordSuffix = options.EndOfWordSuffix,
            ByteLevel = false,
        });
        return new MlBpeModel(vocab, bpe, options.IgnoreMerges && options.ContinuingSubwordPrefix is null && options.EndOfWordSuffix is null);
    }

    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (_wholeWordFirst && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var ids = _bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false).ToArray();
        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cacheBySpan.TryAdd(word, ids);
        output.AddRange(ids);
    }
}
