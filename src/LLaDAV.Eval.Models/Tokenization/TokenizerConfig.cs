using System.Collections.Immutable;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// What <c>tokenizer_config.json</c> says (the transformers side of a tokenizer): special token strings, the
/// <c>add_bos_token</c>/<c>add_eos_token</c> flags, whether decoding cleans up spaces, and the chat template(s).
/// </summary>
/// <param name="BosToken">The <c>bos_token</c> string (a plain string or the <c>content</c> of an AddedToken object).</param>
/// <param name="EosToken">The <c>eos_token</c> string.</param>
/// <param name="PadToken">The <c>pad_token</c> string.</param>
/// <param name="UnkToken">The <c>unk_token</c> string.</param>
/// <param name="AddBosToken"><c>add_bos_token</c> when present. Only slow and Llama/Gemma tokenizer classes act on it;
/// <see cref="HfTokenizer.Encode"/> follows the <c>post_processor</c> of <c>tokenizer.json</c>, as
/// <c>PreTrainedTokenizerFast</c> does.</param>
/// <param name="AddEosToken"><c>add_eos_token</c> when present (same caveat).</param>
/// <param name="CleanUpTokenizationSpaces"><c>clean_up_tokenization_spaces</c>; false when absent (transformers' current
/// default).</param>
/// <param name="ChatTemplate">The default chat template (Jinja source), if any.</param>
/// <param name="NamedChatTemplates">Every named template when <c>chat_template</c> is a list of {name, template}.</param>
/// <param name="TokenizerClass"><c>tokenizer_class</c>.</param>
/// <param name="ModelMaxLength"><c>model_max_length</c> (may be astronomically large, hence a double).</param>
public sealed record TokenizerConfig(
    string? BosToken,
    string? EosToken,
    string? PadToken,
    string? UnkToken,
    bool? AddBosToken,
    bool? AddEosToken,
    bool CleanUpTokenizationSpaces,
    string? ChatTemplate,
    ImmutableDictionary<string, string> NamedChatTemplates,
    string? TokenizerClass,
    double? ModelMaxLength)
{
    /// <summary>The configuration of a checkpoint without <c>tokenizer_config.json</c>.</summary>
    public static TokenizerConfig Empty { get; } = new(null, null, null, null, null, null, false, null, ImmutableDictionary<string, string>.Empty, null, null);

    /// <summary>Reads <c>tokenizer_config.json</c>; a missing file gives <see cref="Empty"/>.</summary>
    public static TokenizerConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new TokenizerException(path, "(root)", $"not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerException(path, "(root)", "expected a JSON object");
            }

            var (template, named) = ReadChatTemplates(path, root);
            return new TokenizerConfig(
                TokenString(path, root, "bos_token"),
                TokenString(path, root, "eos_token"),
                TokenString(path, root, "pad_token"),
                TokenString(path, root, "unk_token"),
                OptionalBool(path, root, "add_bos_token"),
                OptionalBool(path, root, "add_eos_token"),
                OptionalBool(path, root, "clean_up_tokenization_spaces") ?? false,
                template,
                named,
                root.TryGetProperty("tokenizer_class", out var cls) && cls.ValueKind == JsonValueKind.String ? cls.GetString() : null,
                root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetDouble() : null);
        }
    }

    private static string? TokenString(string path, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new TokenizerException(path, key, "expected a string or an object with a string \"content\""),
        };
    }

    private static bool? OptionalBool(string path, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerException(path, key, "expected true or false"),
        };
    }

    private static (string? Default, ImmutableDictionary<string, string> Named) ReadChatTemplates(string path, JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, ImmutableDictionary<string, string>.Empty);
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return (value.GetString(), ImmutableDictionary<string, string>.Empty);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerException(path, "chat_template", "expected a string or a list of {name, template}");
        }

        var named = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerException(path, $"chat_template[{index}]", "expected an object with string \"name\" and \"template\"");
            }

            named[name.GetString()!] = template.GetString()!;
            index++;
        }

        return (named.TryGetValue("default", out var d) ? d : null, named.ToImmutable());
    }
}
