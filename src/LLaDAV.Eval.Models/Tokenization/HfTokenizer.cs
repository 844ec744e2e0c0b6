using System.Buffers;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// A Hugging Face fast tokenizer read from a checkpoint folder (<c>tokenizer.json</c> + <c>tokenizer_config.json</c>),
/// encoding and decoding as <c>PreTrainedTokenizerFast</c> does. Thread-safe after loading.
/// </summary>
/// <remarks>
/// Encoding follows <c>TokenizerImpl::encode_single_sequence</c> (tokenizers/src/tokenizer/mod.rs): added tokens that
/// are not normalized are found in the raw text first, the rest is normalized and searched for normalized added
/// tokens, the remaining text is pre-tokenized and each pre-token goes through the BPE model; the post-processor
/// adds special tokens when asked.
/// </remarks>
public sealed class HfTokenizer
{
    private readonly TokenizerPipeline _pipeline;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly string?[] _idToToken;

    private HfTokenizer(TokenizerPipeline pipeline, TokenizerConfig config)
    {
        _pipeline = pipeline;
        Config = config;
        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        _addedById = [];
        foreach (var token in pipeline.AddedTokens)
        {
            _addedByContent[token.Content] = token.Id;
            _addedById[token.Id] = token;
        }

        _rawMatcher = new AddedTokenMatcher(pipeline.AddedTokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalizedMatcher = new AddedTokenMatcher(pipeline.AddedTokens.Where(t => t.Normalized)
            .Select(t => (pipeline.Normalizer?.Normalize(t.Content) ?? t.Content, t)));

        var maxId = pipeline.AddedTokens.Select(t => t.Id).DefaultIfEmpty(-1).Max();
        foreach (var id in pipeline.Model.Vocab.Values)
        {
            maxId = Math.Max(maxId, id);
        }

        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in pipeline.Model.Vocab)
        {
            _idToToken[id] = token;
        }

        foreach (var token in pipeline.AddedTokens)
        {
            _idToToken[token.Id] = token.Content;
        }

        VocabSize = _idToToken.Count(t => t is not null);
    }

    /// <summary>What <c>tokenizer_config.json</c> says (an empty configuration when the file is absent).</summary>
    public TokenizerConfig Config { get; }

    /// <summary>The number of distinct ids: model vocabulary plus added tokens (Python's <c>len(tokenizer)</c>).</summary>
    public int VocabSize { get; }

    /// <summary>The added tokens of <c>tokenizer.json</c>, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _pipeline.AddedTokens;

    /// <summary>The id of <see cref="TokenizerConfig.BosToken"/>, if the config names one the vocabulary knows.</summary>
    public int? BosTokenId => Config.BosToken is null ? null : TokenToId(Config.BosToken);

    /// <summary>The id of <see cref="TokenizerConfig.EosToken"/>, if the config names one the vocabulary knows.</summary>
    public int? EosTokenId => Config.EosToken is null ? null : TokenToId(Config.EosToken);

    /// <summary>Loads <c>tokenizer.json</c> (required) and <c>tokenizer_config.json</c> (optional) from a folder.</summary>
    /// <exception cref="TokenizerException">The folder or file is missing, malformed, or uses an unsupported feature.</exception>
    public static HfTokenizer Load(string directory) => Load(directory, BpeEngine.Ours);

    /// <summary>Loads with a chosen BPE engine (the benchmark runs both in one process).</summary>
    internal static HfTokenizer Load(string directory, BpeEngine engine)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new TokenizerException(directory, "(folder)", "tokenizer folder not found");
        }

        var pipeline = TokenizerJsonReader.Read(Path.Combine(directory, "tokenizer.json"), engine);
        var config = TokenizerConfig.Load(Path.Combine(directory, "tokenizer_config.json"));
        return new HfTokenizer(pipeline, config);
    }

    /// <summary>
    /// Encodes <paramref name="text"/>. Added and special tokens written in the text map to their ids;
    /// <paramref name="addSpecialTokens"/> runs the <c>post_processor</c> (e.g. a BOS from TemplateProcessing).
    /// </summary>
    public int[] Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, ids);
        if (addSpecialTokens)
        {
            _pipeline.PostProcessor?.AddSpecialTokens(ids);
        }

        return [.. ids];
    }

    /// <summary>
    /// Decodes ids as <c>tokenizer.decode</c> does: tokens through the decoder, then, when the config asks for it
    /// (<c>clean_up_tokenization_spaces</c>), transformers' <c>clean_up_tokenization</c>.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => Decode(ids, skipSpecialTokens, Config.CleanUpTokenizationSpaces);

    /// <summary>Decodes ids with an explicit choice of space clean-up.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens, bool cleanUpTokenizationSpaces)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            // Unknown ids are skipped, as the Rust decode's filter_map does.
            if (IdToToken(id) is not { } token)
            {
                continue;
            }

            if (skipSpecialTokens && _addedById.TryGetValue(id, out var added) && added.Special)
            {
                continue;
            }

            tokens.Add(token);
        }

        var text = _pipeline.Decoder.Decode(tokens);
        return cleanUpTokenizationSpaces ? CleanUpTokenization(text) : text;
    }

    /// <summary>The id of a token string (added tokens first, then the model vocabulary).</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var id) || _pipeline.Model.Vocab.TryGetValue(token, out id) ? id : null;

    /// <summary>The token string of an id (in the byte-level alphabet for model tokens).</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Whether <paramref name="id"/> is an added token marked special.</summary>
    public bool IsSpecialToken(int id) => _addedById.TryGetValue(id, out var token) && token.Special;

    /// <summary>transformers' <c>PreTrainedTokenizerBase.clean_up_tokenization</c>.</summary>
    public static string CleanUpTokenization(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace(" .", ".", StringComparison.Ordinal)
            .Replace(" ?", "?", StringComparison.Ordinal)
            .Replace(" !", "!", StringComparison.Ordinal)
            .Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" ' ", "'", StringComparison.Ordinal)
            .Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" 'm", "'m", StringComparison.Ordinal)
            .Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" 've", "'ve", StringComparison.Ordinal)
            .Replace(" 're", "'re", StringComparison.Ordinal);
    }

    private void EncodeInto(string text, List<int> ids)
    {
        var segments = new List<TextSegment>();
        _rawMatcher.Split(text, segments);
        foreach (var segment in segments)
        {
            if (segment.IsToken)
            {
                ids.Add(segment.TokenId);
                continue;
            }

            var plain = segment.Start == 0 && segment.Length == text.Length ? text : text.Substring(segment.Start, segment.Length);
            if (_pipeline.Normalizer is { } normalizer)
            {
                plain = normalizer.Normalize(plain);
            }

            if (_normalizedMatcher.IsEmpty)
            {
                EncodePlain(plain.AsMemory(), ids);
                continue;
            }

            var inner = new List<TextSegment>();
            _normalizedMatcher.Split(plain, inner);
            foreach (var part in inner)
            {
                if (part.IsToken)
                {
                    ids.Add(part.TokenId);
                }
                else
                {
                    EncodePlain(plain.AsMemory(part.Start, part.Length), ids);
                }
            }
        }
    }

    private void EncodePlain(ReadOnlyMemory<char> text, List<int> ids)
    {
        var preTokenizer = _pipeline.PreTokenizer;
        if (preTokenizer is null)
        {
            _pipeline.Model.Encode(text.Span, ids);
            return;
        }

        var pieces = new List<ReadOnlyMemory<char>>();
        preTokenizer.PreTokenize(text, pieces);
        if (!preTokenizer.MapsToBytes)
        {
            foreach (var piece in pieces)
            {
                _pipeline.Model.Encode(piece.Span, ids);
            }

            return;
        }

        char[] chars = ArrayPool<char>.Shared.Rent(256);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            foreach (var piece in pieces)
            {
                var span = piece.Span;
                var byteCount = Encoding.UTF8.GetMaxByteCount(span.Length);
                if (bytes.Length < byteCount || chars.Length < byteCount)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                    ArrayPool<char>.Shared.Return(chars);
                    bytes = ArrayPool<byte>.Shared.Rent(byteCount);
                    chars = ArrayPool<char>.Shared.Rent(byteCount);
                }

                var written = Encoding.UTF8.GetBytes(span, bytes);
                ByteLevelAlphabet.Map(bytes.AsSpan(0, written), chars);
                _pipeline.Model.Encode(chars.AsSpan(0, written), ids);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
