using System.Text;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>The working parts of a tokenizer read from <c>tokenizer.json</c>.</summary>
internal sealed record TokenizerPipeline(
    INormalizer? Normalizer,
    IPreTokenizer? PreTokenizer,
    IBpeModel Model,
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

    public static TokenizerPipeline Read(string path, BpeEngine engine = BpeEngine.Ours)
    {
        if (!File.Exists(path))
        {
            throw new TokenizerException(path, "(file)", "file not found; a tokenizer folder must hold tokenizer.json");
        }

        var bytes = File.ReadAllBytes(path);
        var sections = new Dictionary<string, JsonDocument>(StringComparer.Ordinal);
        try
        {
            // One pass over the bytes: the big "model" object is read by a streaming reader, the small sections as DOMs.
            IBpeModel? model = null;
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TokenizerException(path, "(root)", "expected a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (name == "model")
                {
                    model = BpeModelJsonReader.Read(ref reader, path, "model", engine);
                }
                else
                {
                    sections[name] = JsonDocument.ParseValue(ref reader);
                }
            }

            return new TokenizerJsonReader(path).ReadSections(model ?? throw new TokenizerException(path, "model", "missing"), sections);
        }
        catch (JsonException e)
        {
            throw new TokenizerException(path, "(root)", $"not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports invalid UTF-8 inside a string this way (found by the corrupt-input campaign).
            throw new TokenizerException(path, "(root)", $"not valid UTF-8 JSON ({e.Message})", e);
        }
        finally
        {
            foreach (var document in sections.Values)
            {
                document.Dispose();
            }
        }
    }

    private TokenizerPipeline ReadSections(IBpeModel model, Dictionary<string, JsonDocument> sections)
    {
        JsonElement? Section(string name) => sections.TryGetValue(name, out var d) ? d.RootElement : null;
        var addedTokens = ReadAddedTokens(Section("added_tokens"));
        var normalizer = ReadNormalizer(Section("normalizer"), "normalizer");
        var preTokenizer = ReadPreTokenizer(Section("pre_tokenizer"), "pre_tokenizer");
        var decoder = ReadDecoder(Section("decoder"), "decoder");
        var postProcessor = ReadPostProcessor(Section("post_processor"), "post_processor", model, addedTokens);
        return new TokenizerPipeline(normalizer, preTokenizer, model, decoder, postProcessor, addedTokens);
    }

    private List<AddedToken> ReadAddedTokens(JsonElement? section)
    {
        var list = new List<AddedToken>();
        if (section is not { } tokens || tokens.ValueKind == JsonValueKind.Null)
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
            "NFC" => UnicodeForm(NormalizationForm.FormC, key),
            "NFD" => UnicodeForm(NormalizationForm.FormD, key),
            "NFKC" => UnicodeForm(NormalizationForm.FormKC, key),
            "NFKD" => UnicodeForm(NormalizationForm.FormKD, key),
            "Lowercase" => new LowercaseNormalizer(),
            "Prepend" => new PrependNormalizer(OptionalString(e, "prepend", key) ?? throw Error(key + ".prepend", "missing")),
            "Replace" => new ReplaceNormalizer(
                OptionalString(Required(e, "pattern", key), "String", key + ".pattern") ?? throw Error(key + ".pattern", "only String patterns are supported"),
                OptionalString(e, "content", key) ?? throw Error(key + ".content", "missing")),
            _ => throw Error(key + ".type", $"normalizer \"{type}\" is not supported"),
        };
    }

    private UnicodeFormNormalizer UnicodeForm(NormalizationForm form, string key) =>
        UnicodeFormNormalizer.IsAvailable
            ? new UnicodeFormNormalizer(form)
            : throw Error(key + ".type", $"Unicode normalization {form} is unavailable: the process runs with invariant globalization (no ICU), where string.Normalize returns its input unchanged");

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

    private IPostProcessor? ReadPostProcessor(JsonElement? element, string key, IBpeModel model, List<AddedToken> addedTokens)
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
