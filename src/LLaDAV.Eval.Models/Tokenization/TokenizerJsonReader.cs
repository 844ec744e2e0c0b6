using System.Text;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>The working parts of a tokenizer read from <c>tokenizer.json</c>.</summary>
internal sealed record TokenizerPipeline(
    INormalizer? Normalizer,
    IPreTokenizer? PreTokenizer,
    BpeModel Model,
    IDecoder Decoder,
    IPostProcessor? PostProcessor,
    IReadOnlyList<AddedToken> AddedTokens);

/// <summary>
/// Reads HF <c>tokenizer.json</c> (the serde layout of tokenizers/src/tokenizer/serialization.rs). Supported: model
/// <c>BPE</c>; pre-tokenizers <c>Sequence</c>, <c>Split</c>, <c>ByteLevel</c>; normalizers <c>Sequence</c>,
/// <c>NFC/NFD/NFKC/NFKD</c>, <c>Lowercase</c>, <c>Prepend</c>, <c>Replace</c> (string pattern); decoder
/// <c>ByteLevel</c>; post-processors <c>ByteLevel</c>, <c>TemplateProcessing</c>, <c>BertProcessing</c>,
/// <c>RobertaProcessing</c>, <c>Sequence</c>. Anything else is a <see cref="TokenizerException"/> naming the key.
/// </summary>
internal sealed class TokenizerJsonReader
{
    private readonly string _path;

    private TokenizerJsonReader(string path) => _path = path;

    public static TokenizerPipeline Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new TokenizerException(path, "(file)", "file not found; a tokenizer folder must hold tokenizer.json");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerException(path, "(root)", $"not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            return new TokenizerJsonReader(path).ReadRoot(document.RootElement);
        }
    }

    private TokenizerPipeline ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error("(root)", "expected a JSON object");
        }

        var model = ReadModel(Required(root, "model", "(root)"), "model");
        var addedTokens = ReadAddedTokens(root);
        var normalizer = ReadNormalizer(Optional(root, "normalizer"), "normalizer");
        var preTokenizer = ReadPreTokenizer(Optional(root, "pre_tokenizer"), "pre_tokenizer");
        var decoder = ReadDecoder(Optional(root, "decoder"), "decoder");
        var postProcessor = ReadPostProcessor(Optional(root, "post_processor"), "post_processor", model, addedTokens);
        return new TokenizerPipeline(normalizer, preTokenizer, model, decoder, postProcessor, addedTokens);
    }

    private BpeModel ReadModel(JsonElement model, string key)
    {
        var type = OptionalString(model, "type", key);
        if (type is not null && type != "BPE")
        {
            throw Error(key + ".type", $"model type \"{type}\" is not supported (only BPE)");
        }

        if (Optional(model, "dropout") is { ValueKind: JsonValueKind.Number } dropout && dropout.GetDouble() > 0)
        {
            throw Error(key + ".dropout", "BPE dropout is not supported for evaluation");
        }

        var vocabElement = Required(model, "vocab", key);
        if (vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw Error(key + ".vocab", "expected an object of token → id");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw Error($"{key}.vocab[\"{entry.Name}\"]", "expected a non-negative integer id");
            }

            vocab[entry.Name] = id;
        }

        var options = new BpeOptions(
            OptionalString(model, "unk_token", key),
            OptionalString(model, "continuing_subword_prefix", key),
            OptionalString(model, "end_of_word_suffix", key),
            OptionalBool(model, "fuse_unk", key) ?? false,
            OptionalBool(model, "byte_fallback", key) ?? false,
            OptionalBool(model, "ignore_merges", key) ?? false);

        var merges = ReadMerges(Required(model, "merges", key), key + ".merges", vocab, options.ContinuingSubwordPrefix);
        return new BpeModel(vocab, merges, options);
    }

    private Dictionary<long, MergeResult> ReadMerges(JsonElement merges, string key, Dictionary<string, int> vocab, string? prefix)
    {
        if (merges.ValueKind != JsonValueKind.Array)
        {
            throw Error(key, "expected a list of merges");
        }

        var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var result = new Dictionary<long, MergeResult>(merges.GetArrayLength());
        var rank = 0;
        var buffer = new char[256];
        foreach (var merge in merges.EnumerateArray())
        {
            string left;
            string right;
            if (merge.ValueKind == JsonValueKind.String)
            {
                // Legacy layout "a b": exactly one space (tokenizers/src/models/bpe/serialization.rs).
                var text = merge.GetString()!;
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                if (space < 0 || text.IndexOf(' ', space + 1) >= 0)
                {
                    throw Error($"{key}[{rank}]", $"merge \"{text}\" is not two tokens separated by one space");
                }

                left = text[..space];
                right = text[(space + 1)..];
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                left = merge[0].GetString()!;
                right = merge[1].GetString()!;
            }
            else
            {
                throw Error($"{key}[{rank}]", "expected \"a b\" or [\"a\", \"b\"]");
            }

            if (!vocab.TryGetValue(left, out var leftId) || !vocab.TryGetValue(right, out var rightId))
            {
                throw Error($"{key}[{rank}]", $"merge \"{left} {right}\" names a token missing from the vocabulary");
            }

            // The merged token drops the continuing-subword prefix of its right part (BPE builder in model.rs).
            var rightPart = prefix is not null && right.StartsWith(prefix, StringComparison.Ordinal) ? right.AsSpan(prefix.Length) : right.AsSpan();
            var length = left.Length + rightPart.Length;
            if (buffer.Length < length)
            {
                buffer = new char[length * 2];
            }

            left.CopyTo(buffer);
            rightPart.CopyTo(buffer.AsSpan(left.Length));
            if (!lookup.TryGetValue(buffer.AsSpan(0, length), out var newId))
            {
                throw Error($"{key}[{rank}]", $"merge \"{left} {right}\" makes \"{new string(buffer, 0, length)}\", which is missing from the vocabulary");
            }

            result.TryAdd(BpeMerger.Key(leftId, rightId), new MergeResult(rank, newId));
            rank++;
        }

        return result;
    }

    private List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var list = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } tokens || tokens.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (tokens.ValueKind != JsonValueKind.Array)
        {
            throw Error("added_tokens", "expected a list");
        }

        var index = 0;
        foreach (var token in tokens.EnumerateArray())
        {
            var key = $"added_tokens[{index++}]";
            var idElement = Required(token, "id", key);
            if (!idElement.TryGetInt32(out var id) || id < 0)
            {
                throw Error(key + ".id", "expected a non-negative integer");
            }

            var content = OptionalString(token, "content", key) ?? throw Error(key + ".content", "missing");
            var special = OptionalBool(token, "special", key) ?? false;
            list.Add(new AddedToken(
                id,
                content,
                OptionalBool(token, "single_word", key) ?? false,
                OptionalBool(token, "lstrip", key) ?? false,
                OptionalBool(token, "rstrip", key) ?? false,
                OptionalBool(token, "normalized", key) ?? !special,
                special));
        }

        return list;
    }

    private INormalizer? ReadNormalizer(JsonElement? element, string key)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, key);
        return type switch
        {
            "Sequence" => new SequenceNormalizer(ReadList(e, "normalizers", key, (item, k) => ReadNormalizer(item, k) ?? throw Error(k, "null normalizer in a sequence"))),
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Prepend" => new PrependNormalizer(OptionalString(e, "prepend", key) ?? throw Error(key + ".prepend", "missing")),
            "Replace" => new ReplaceNormalizer(
                OptionalString(Required(e, "pattern", key), "String", key + ".pattern") ?? throw Error(key + ".pattern", "only String patterns are supported"),
                OptionalString(e, "content", key) ?? throw Error(key + ".content", "missing")),
            _ => throw Error(key + ".type", $"normalizer \"{type}\" is not supported"),
        };
    }

    private IPreTokenizer? ReadPreTokenizer(JsonElement? element, string key)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, key);
        switch (type)
        {
            case "Sequence":
                return new SequencePreTokenizer(ReadList(e, "pretokenizers", key, (item, k) => ReadPreTokenizer(item, k) ?? throw Error(k, "null pre-tokenizer in a sequence")));
            case "ByteLevel":
                return new ByteLevelPreTokenizer(OptionalBool(e, "add_prefix_space", key) ?? true, OptionalBool(e, "use_regex", key) ?? true);
            case "Split":
                {
                    var pattern = Required(e, "pattern", key);
                    var behavior = OptionalString(e, "behavior", key) switch
                    {
                        "Removed" => SplitBehavior.Removed,
                        "Isolated" => SplitBehavior.Isolated,
                        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
                        "MergedWithNext" => SplitBehavior.MergedWithNext,
                        "Contiguous" => SplitBehavior.Contiguous,
                        var other => throw Error(key + ".behavior", $"unknown split behaviour \"{other}\""),
                    };
                    var invert = OptionalBool(e, "invert", key) ?? false;
                    if (OptionalString(pattern, "Regex", key + ".pattern") is { } regex)
                    {
                        try
                        {
                            return SplitPreTokenizer.FromRegex(regex, behavior, invert);
                        }
                        catch (TokenizerException ex)
                        {
                            throw Error(key + ".pattern.Regex", ex.Message);
                        }
                        catch (ArgumentException ex)
                        {
                            throw new TokenizerException(_path, key + ".pattern.Regex", $"the translated pattern does not compile ({ex.Message})", ex);
                        }
                    }

                    if (OptionalString(pattern, "String", key + ".pattern") is { } literal)
                    {
                        return SplitPreTokenizer.FromLiteral(literal, behavior, invert);
                    }

                    throw Error(key + ".pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
                }

            default:
                throw Error(key + ".type", $"pre-tokenizer \"{type}\" is not supported (Sequence, Split, ByteLevel are)");
        }
    }

    private IDecoder ReadDecoder(JsonElement? element, string key)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return new JoinDecoder();
        }

        var type = TypeOf(e, key);
        return type == "ByteLevel" ? new ByteLevelDecoder() : throw Error(key + ".type", $"decoder \"{type}\" is not supported (ByteLevel is)");
    }

    private IPostProcessor? ReadPostProcessor(JsonElement? element, string key, BpeModel model, List<AddedToken> addedTokens)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, key);
        switch (type)
        {
            case "ByteLevel":
                return new IdentityPostProcessor();
            case "Sequence":
                return new SequencePostProcessor(ReadList(e, "processors", key, (item, k) => ReadPostProcessor(item, k, model, addedTokens) ?? new IdentityPostProcessor()));
            case "BertProcessing":
            case "RobertaProcessing":
                return new TemplatePostProcessor([PairId(Required(e, "cls", key), key + ".cls"), null, PairId(Required(e, "sep", key), key + ".sep")]);
            case "TemplateProcessing":
                {
                    var specials = Required(e, "special_tokens", key);
                    var pieces = new List<int[]?>();
                    var index = 0;
                    foreach (var piece in Required(e, "single", key).EnumerateArray())
                    {
                        var pieceKey = $"{key}.single[{index++}]";
                        if (Optional(piece, "Sequence") is { ValueKind: JsonValueKind.Object })
                        {
                            pieces.Add(null);
                        }
                        else if (Optional(piece, "SpecialToken") is { ValueKind: JsonValueKind.Object } special)
                        {
                            var name = OptionalString(special, "id", pieceKey + ".SpecialToken") ?? throw Error(pieceKey + ".SpecialToken.id", "missing");
                            var entry = Optional(specials, name) ?? throw Error($"{key}.special_tokens", $"no entry for \"{name}\" used by the single template");
                            pieces.Add(Required(entry, "ids", $"{key}.special_tokens.{name}").EnumerateArray().Select(x => x.GetInt32()).ToArray());
                        }
                        else
                        {
                            throw Error(pieceKey, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
                        }
                    }

                    return new TemplatePostProcessor(pieces);
                }

            default:
                throw Error(key + ".type", $"post-processor \"{type}\" is not supported");
        }
    }

    private int[] PairId(JsonElement pair, string key)
    {
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || !pair[1].TryGetInt32(out var id))
        {
            throw Error(key, "expected [token, id]");
        }

        return [id];
    }

    private List<T> ReadList<T>(JsonElement e, string name, string key, Func<JsonElement, string, T> read)
    {
        var list = Required(e, name, key);
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Error($"{key}.{name}", "expected a list");
        }

        var result = new List<T>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            result.Add(read(item, $"{key}.{name}[{index++}]"));
        }

        return result;
    }

    private string TypeOf(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Object
            ? OptionalString(e, "type", key) ?? throw Error(key + ".type", "missing")
            : throw Error(key, "expected an object with a \"type\"");

    private JsonElement Required(JsonElement e, string name, string key) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Undefined
            ? value
            : throw Error($"{key}.{name}", "missing");

    private static JsonElement? Optional(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) ? value : null;

    private string? OptionalString(JsonElement e, string name, string key)
    {
        if (Optional(e, name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error($"{key}.{name}", "expected a string");
    }

    private bool? OptionalBool(JsonElement e, string name, string key)
    {
        if (Optional(e, name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{key}.{name}", "expected true or false"),
        };
    }

    private TokenizerException Error(string key, string problem) => new(_path, key, problem);
}
