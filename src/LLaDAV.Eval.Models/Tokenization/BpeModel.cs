using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>Options of the <c>BPE</c> model in <c>tokenizer.json</c> besides vocabulary and merges.</summary>
internal sealed record BpeOptions(
    string? UnkToken,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix,
    bool FuseUnk,
    bool ByteFallback,
    bool IgnoreMerges);

/// <summary>
/// The BPE model (tokenizers/src/models/bpe/model.rs): a word (one pre-token, already in the byte-level alphabet when
/// the pre-tokenizer says so) becomes one symbol per character, then merges apply by rank (<see cref="BpeMerger"/>).
/// With <c>ignore_merges</c> a word that is itself in the vocabulary maps to its id directly (Llama-3 sets it).
/// Results are cached per word, as HF does; the cache is bounded and thread-safe.
/// </summary>
internal sealed class BpeModel : IBpeModel
{
    private const int CacheCapacity = 200_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, MergeResult> _merges;
    private readonly BpeOptions _options;
    private readonly int[] _singleCharIds;
    private readonly int? _unkId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    public BpeModel(Dictionary<string, int> vocab, Dictionary<long, MergeResult> merges, BpeOptions options)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        _options = options;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (options.UnkToken is not null && vocab.TryGetValue(options.UnkToken, out var unk))
        {
            _unkId = unk;
        }

        // Fast path for the first symbols of a word when no prefix/suffix decorates them (byte-level alphabet is < 512).
        _singleCharIds = new int[512];
        Array.Fill(_singleCharIds, -1);
        if (options.ContinuingSubwordPrefix is null && options.EndOfWordSuffix is null)
        {
            Span<char> one = stackalloc char[1];
            for (var c = 0; c < _singleCharIds.Length; c++)
            {
                one[0] = (char)c;
                if (_vocabBySpan.TryGetValue(one, out var id))
                {
                    _singleCharIds[c] = id;
                }
            }
        }
    }

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Builds the model from merges in rank order (one per pair).</summary>
    public static BpeModel Create(Dictionary<string, int> vocab, IReadOnlyList<ResolvedMerge> merges, BpeOptions options)
    {
        var table = BpeMerger.CreateTable(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var merge = merges[rank];
            table.TryAdd(BpeMerger.Key(merge.LeftId, merge.RightId), new MergeResult(rank, merge.NewId));
        }

        return new BpeModel(vocab, table, options);
    }

    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (_options.IgnoreMerges && _options.ContinuingSubwordPrefix is null && _options.EndOfWordSuffix is null
            && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var ids = Tokenize(word);
        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cacheBySpan.TryAdd(word, ids);
        output.AddRange(ids);
    }

    private int[] Tokenize(ReadOnlySpan<char> word)
    {
        var buffer = ArrayPool<int>.Shared.Rent(word.Length * 4);
        try
        {
            var count = InitialSymbols(word, buffer);
            count = BpeMerger.Merge(buffer.AsSpan(0, count), _merges);
            return buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>One symbol per code point (<c>BPE::merge_word</c>), with unknown handling and byte fallback.</summary>
    private int InitialSymbols(ReadOnlySpan<char> word, int[] symbols)
    {
        var count = 0;
        var previousWasUnk = false;
        var index = 0;
        var key = new StringBuilder();
        while (index < word.Length)
        {
            var width = char.IsHighSurrogate(word[index]) && index + 1 < word.Length && char.IsLowSurrogate(word[index + 1]) ? 2 : 1;
            var isFirst = index == 0;
            var isLast = index + width == word.Length;
            var piece = word.Slice(index, width);
            index += width;

            int id;
            if (width == 1 && piece[0] < 512 && _singleCharIds[piece[0]] >= 0)
            {
                id = _singleCharIds[piece[0]];
            }
            else
            {
                key.Clear();
                if (!isFirst && _options.ContinuingSubwordPrefix is not null)
                {
                    key.Append(_options.ContinuingSubwordPrefix);
                }

                key.Append(piece);
                if (isLast && _options.EndOfWordSuffix is not null)
                {
                    key.Append(_options.EndOfWordSuffix);
                }

                id = _vocab.TryGetValue(key.ToString(), out var found) ? found : -1;
            }

            if (id >= 0)
            {
                symbols[count++] = id;
                previousWasUnk = false;
                continue;
            }

            if (_options.ByteFallback && TryByteFallback(piece, symbols, ref count))
            {
                previousWasUnk = false;
                continue;
            }

            // Without an unk token HF drops the character; with fuse_unk consecutive unknowns become one.
            if (_unkId is int unkId && !(_options.FuseUnk && previousWasUnk))
            {
                symbols[count++] = unkId;
            }

            previousWasUnk = _unkId is not null;
        }

        return count;
    }

    private bool TryByteFallback(ReadOnlySpan<char> piece, int[] symbols, ref int count)
    {
        Span<byte> bytes = stackalloc byte[8];
        var n = Encoding.UTF8.GetBytes(piece, bytes);
        var ids = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (!_vocab.TryGetValue("<0x" + bytes[i].ToString("X2", CultureInfo.InvariantCulture) + ">", out ids[i]))
            {
                return false;
            }
        }

        ids.CopyTo(symbols, count);
        count += n;
        return true;
    }
}
