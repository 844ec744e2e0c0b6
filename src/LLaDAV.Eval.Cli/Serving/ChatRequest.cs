using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using LLaDAV.Eval.Media;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Prompting;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// One <c>POST /v1/chat/completions</c> body, turned into what <see cref="LlavaModel.GenerateBatch"/> takes for an
/// evaluation request: the task context, its images in order, the merged generation kwargs and the seed.
/// </summary>
internal sealed record ChatCall(
    string Context,
    ImmutableArray<RgbImage> Images,
    GenerationKwargs Kwargs,
    ulong Seed,
    bool Stream,
    bool IncludeUsage,
    ImmutableArray<string> Stop);

/// <summary>One content part of the user message: text, or an image (decoded).</summary>
internal abstract record ContentPart;

internal sealed record TextPart(string Text) : ContentPart;

internal sealed record ImagePart(RgbImage Image) : ContentPart;

/// <summary>
/// Reads a chat completion request (OpenAI API reference, "Create chat completion") strictly: every field is checked
/// for type and range before the model sees it, and a field the server does not know is refused the way OpenAI refuses
/// one ("Unrecognized request argument supplied: X"), so a misspelt diffusion setting is an error, not a silent default.
/// </summary>
internal static class ChatRequest
{
    /// <summary>
    /// LLaDA-V's and LLaMA3-V's generation settings, under the names the evaluation's gen_kwargs use, accepted as extra
    /// body fields: every key <see cref="GenerationKwargsSchema"/> checks (one owner: a setting the in-process run
    /// accepts, e.g. a task YAML's <c>do_sample</c> or <c>until</c> forwarded by <c>--model openai_compatible</c> with
    /// <c>forward_gen_kwargs</c>, is accepted here too), except those OpenAI names itself (<c>temperature</c>,
    /// <c>top_p</c>), which are read as OpenAI fields.
    /// </summary>
    public static readonly ImmutableArray<string> ExtraFields =
        [.. GenerationKwargsSchema.Rules.Select(r => r.Key).Where(k => k is not ("temperature" or "top_p")).Order(StringComparer.Ordinal)];

    /// <summary>OpenAI fields read here. <c>top_p</c> is checked and, as in the evaluation path, has no effect on these samplers.</summary>
    private static readonly ImmutableHashSet<string> s_openAiFields =
    [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "stop", "seed", "stream", "stream_options",
        "n", "top_p", "user", "frequency_penalty", "presence_penalty", "logprobs",
    ];

    public static ChatCall Parse(JsonElement body, ServeOptions options, LlavaFamily family, Func<string, string, RgbImage> loadImage)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loadImage);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Bad("The request body must be a JSON object.", null);
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!s_openAiFields.Contains(property.Name) && !ExtraFields.Contains(property.Name))
            {
                throw Bad($"Unrecognized request argument supplied: {property.Name}. This server reads OpenAI's {string.Join(", ", s_openAiFields.Order(StringComparer.Ordinal))} and the generation settings {string.Join(", ", ExtraFields)}.", property.Name);
            }
        }

        var model = Required(body, "model");
        if (model.ValueKind != JsonValueKind.String)
        {
            throw Bad("'model' must be a string.", "model");
        }

        if (model.GetString() != options.ModelId)
        {
            throw new ApiErrorException(new ApiError(404, $"The model `{model.GetString()}` does not exist. This server serves `{options.ModelId}` (GET /v1/models).", "invalid_request_error", "model", "model_not_found"));
        }

        var parts = UserParts(Required(body, "messages"), options, loadImage);
        var (context, images) = Prompt(parts);

        if (Optional(body, "n") is { } n && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out var count) || count != 1))
        {
            throw Bad("'n' must be 1: this server returns one choice per request.", "n");
        }

        if (Optional(body, "logprobs") is { } logprobs && logprobs.ValueKind != JsonValueKind.False)
        {
            throw Bad("'logprobs' is not supported by this server (a masked-diffusion answer has no left-to-right token probabilities); leave it out or set it to false.", "logprobs");
        }

        foreach (var penalty in new[] { "frequency_penalty", "presence_penalty" })
        {
            if (Optional(body, penalty) is { } p && (p.ValueKind != JsonValueKind.Number || p.GetDouble() != 0))
            {
                throw Bad($"'{penalty}' is not supported by this server's samplers; leave it out or set it to 0.", penalty);
            }
        }

        if (Optional(body, "user") is { } user && user.ValueKind != JsonValueKind.String)
        {
            throw Bad("'user' must be a string.", "user");
        }

        var kwargs = Kwargs(body, options, family, out var sources);
        try
        {
            GenerationKwargsSchema.Validate(kwargs, family == LlavaFamily.LladaV, key => sources.TryGetValue(key, out var s) ? s : "serve --gen-kwargs");
            GenerationSettings.From(kwargs, family);
        }
        catch (ArgumentException e)
        {
            var param = sources.Keys.FirstOrDefault(k => e.Message.Contains(k + "=", StringComparison.Ordinal));
            throw Bad(e.Message, param is null ? null : sources[param].Replace("request field ", "", StringComparison.Ordinal));
        }

        var seed = 0UL;
        if (Optional(body, "seed") is { } s)
        {
            seed = s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var signed) ? unchecked((ulong)signed)
                : throw Bad("'seed' must be an integer.", "seed");
        }

        var stream = Optional(body, "stream") is { } st && (st.ValueKind is JsonValueKind.True or JsonValueKind.False ? st.GetBoolean() : throw Bad("'stream' must be true or false.", "stream"));
        var includeUsage = false;
        if (Optional(body, "stream_options") is { } so)
        {
            if (!stream)
            {
                throw Bad("'stream_options' is only allowed when 'stream' is true.", "stream_options");
            }

            includeUsage = so.ValueKind == JsonValueKind.Object && Optional(so, "include_usage") is { } iu
                ? iu.ValueKind is JsonValueKind.True or JsonValueKind.False ? iu.GetBoolean() : throw Bad("'stream_options.include_usage' must be true or false.", "stream_options.include_usage")
                : so.ValueKind == JsonValueKind.Object ? false : throw Bad("'stream_options' must be an object.", "stream_options");
        }

        var stop = kwargs.TryGet("stopping_criteria", out var sc) ? sc switch
        {
            string one => [one],
            IEnumerable<string> many => many.ToImmutableArray(),
            _ => ImmutableArray<string>.Empty,
        } : ImmutableArray<string>.Empty;
        return new ChatCall(context, images, kwargs, seed, stream, includeUsage, stop);
    }

    /// <summary>
    /// The request → prompt mapping (README "Serving"): the user message's parts in order. When no text comes before
    /// an image (a lone string, text only, or lmms-eval's chat-class order: images first, then the text), the context is
    /// the text parts concatenated and the images are the request's visuals: the backend then prepends one
    /// <c>&lt;image&gt;</c> per image and a newline and appends the think suffix, exactly as for an evaluation request
    /// (<see cref="LlavaPrompt.UserMessage"/>). When text comes before an image (interleaved, e.g. lmms-eval's MMMU
    /// <c>doc_to_messages</c>), each image part becomes <c>&lt;image&gt;</c> where it stands and the parts are
    /// concatenated: LLaVA's own interleaved prompt, which the backend uses as it is.
    /// </summary>
    public static (string Context, ImmutableArray<RgbImage> Images) Prompt(IReadOnlyList<ContentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var images = parts.OfType<ImagePart>().Select(p => p.Image).ToImmutableArray();
        var firstText = parts.Select((p, i) => (p, i)).FirstOrDefault(x => x.p is TextPart, (null!, parts.Count)).Item2;
        var lastImage = parts.Select((p, i) => (p, i)).LastOrDefault(x => x.p is ImagePart, (null!, -1)).Item2;
        var interleaved = lastImage > firstText;
        var context = string.Concat(parts.Select(p => p switch
        {
            TextPart t => t.Text,
            _ => interleaved ? LlavaPrompt.ImagePlaceholder : "",
        }));
        return (context, images);
    }

    private static List<ContentPart> UserParts(JsonElement messages, ServeOptions options, Func<string, string, RgbImage> loadImage)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw Bad("'messages' must be a non-empty array.", "messages");
        }

        if (messages.GetArrayLength() != 1)
        {
            throw Bad($"'messages' holds {messages.GetArrayLength()} messages; this server renders exactly one user message into LLaDA-V's chat template with its fixed system prompt, as the evaluation does (multi-turn conversations are not supported).", "messages");
        }

        var message = messages[0];
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Bad("'messages[0]' must be an object.", "messages[0]");
        }

        var role = Required(message, "role", "messages[0].role");
        if (role.ValueKind != JsonValueKind.String || role.GetString() != "user")
        {
            throw Bad($"'messages[0].role' is {role.GetRawText()}; this server renders one message with role \"user\" (the chat template's system prompt is fixed).", "messages[0].role");
        }

        var content = Required(message, "content", "messages[0].content");
        if (content.ValueKind == JsonValueKind.String)
        {
            return [Text(content.GetString()!, "messages[0].content")];
        }

        if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            throw Bad("'messages[0].content' must be a string or a non-empty array of content parts.", "messages[0].content");
        }

        var parts = new List<ContentPart>();
        var imageCount = 0;
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"messages[0].content[{index++}]");
            var type = part.ValueKind == JsonValueKind.Object ? Optional(part, "type") : null;
            switch (type?.ValueKind == JsonValueKind.String ? type.Value.GetString() : null)
            {
                case "text":
                    var text = Required(part, "text", where + ".text");
                    parts.Add(text.ValueKind == JsonValueKind.String ? Text(text.GetString()!, where + ".text") : throw Bad($"'{where}.text' must be a string.", where + ".text"));
                    break;
                case "image_url":
                    if (++imageCount > options.MaxImagesPerRequest)
                    {
                        throw new ApiErrorException(new ApiError(413, $"The request holds more than {options.MaxImagesPerRequest} images (serve --max-images).", "invalid_request_error", where, "request_too_large"));
                    }

                    var image = Required(part, "image_url", where + ".image_url");
                    var url = image.ValueKind == JsonValueKind.Object ? Optional(image, "url") : image.ValueKind == JsonValueKind.String ? image : null;
                    if (url is not { ValueKind: JsonValueKind.String })
                    {
                        throw Bad($"'{where}.image_url.url' must be a string (a data: URL, or a file:// URL under serve's --allow-file-root).", where + ".image_url.url");
                    }

                    parts.Add(new ImagePart(loadImage(url.Value.GetString()!, where + ".image_url.url")));
                    break;
                default:
                    throw Bad($"'{where}' must be an object with type \"text\" or \"image_url\" (the content part types this server reads).", where + ".type");
            }
        }

        return parts;
    }

    private static TextPart Text(string text, string where) =>
        text.Contains(LlavaPrompt.ImagePlaceholder, StringComparison.Ordinal)
            ? throw Bad($"'{where}' contains the text {LlavaPrompt.ImagePlaceholder}, LLaVA's image placeholder; images go in image_url parts, which become placeholders where they stand.", where)
            : new TextPart(text);

    private static GenerationKwargs Kwargs(JsonElement body, ServeOptions options, LlavaFamily family, out Dictionary<string, string> sources)
    {
        sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var kwargs = options.Defaults;
        foreach (var key in ExtraFields)
        {
            if (Optional(body, key) is { } value)
            {
                kwargs = kwargs.With(key, Scalar(value, key));
                sources[key] = "request field " + key;
            }
        }

        // max_tokens bounds the answer: for LLaDA-V it is the length of the diffusion canvas (gen_length; an explicit
        // gen_length field wins), for LLaMA3-V max_new_tokens (GenerationSettings.From reads each family's key).
        var lengthKey = family == LlavaFamily.LladaV ? "gen_length" : "max_new_tokens";
        foreach (var openAi in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (Optional(body, openAi) is { } value && !sources.ContainsKey(lengthKey))
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < 1 || n > int.MaxValue)
                {
                    throw Bad($"'{openAi}' must be a whole number >= 1.", openAi);
                }

                kwargs = kwargs.With(lengthKey, n);
                sources[lengthKey] = "request field " + openAi;
            }
        }

        if (Optional(body, "temperature") is { } temperature)
        {
            kwargs = kwargs.With("temperature", temperature.ValueKind == JsonValueKind.Number ? temperature.GetDouble() : throw Bad("'temperature' must be a number.", "temperature"));
            sources["temperature"] = "request field temperature";
        }

        if (Optional(body, "top_p") is { } topP)
        {
            kwargs = kwargs.With("top_p", topP.ValueKind == JsonValueKind.Number ? topP.GetDouble() : throw Bad("'top_p' must be a number.", "top_p"));
            sources["top_p"] = "request field top_p";
        }

        if (Optional(body, "stop") is { } stop)
        {
            // OpenAI: a string or up to 4 strings; they become the stop sequences LLaDA-V's sampler cuts at (stopping_criteria).
            ImmutableArray<string> list = stop.ValueKind switch
            {
                JsonValueKind.String => [stop.GetString()!],
                JsonValueKind.Array when stop.GetArrayLength() <= 4 && stop.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => [.. stop.EnumerateArray().Select(e => e.GetString()!)],
                _ => throw Bad("'stop' must be a string or an array of up to 4 strings.", "stop"),
            };
            if (list.Any(s => s.Length == 0))
            {
                throw Bad("'stop' sequences must not be empty.", "stop");
            }

            var merged = kwargs.TryGet("stopping_criteria", out var old) ? old switch
            {
                string one => [one, .. list],
                IEnumerable<string> many => [.. many, .. list],
                _ => list,
            } : list;
            kwargs = kwargs.With("stopping_criteria", merged.Distinct(StringComparer.Ordinal).ToImmutableArray());
            sources["stopping_criteria"] = "request field stop";
        }

        return kwargs;
    }

    /// <summary>A JSON value as the scalar types gen_kwargs hold (long, double, bool, string, list of strings).</summary>
    private static object Scalar(JsonElement value, string key) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => value.EnumerateArray().Select(e => e.GetString()!).ToImmutableArray(),
        _ => throw Bad($"'{key}' must be a number, a string, true/false or a list of strings.", key),
    };

    private static JsonElement Required(JsonElement obj, string name, string? where = null) =>
        Optional(obj, name) ?? throw Bad($"Missing required parameter: '{where ?? name}'.", where ?? name);

    /// <summary>The property, or null when absent or JSON null (OpenAI treats an explicit null as "not given").</summary>
    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static ApiErrorException Bad(string message, string? param) => new(ApiError.BadRequest(message, param));
}
