using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// <c>lladav-eval serve</c>'s HTTP side: OpenAI's <c>POST /v1/chat/completions</c> and <c>GET /v1/models</c> in front of
/// a LLaDA-V or LLaMA3-V backend.
/// Kestrel (ASP.NET Core, part of the .NET SDK's shared framework, no package) rather than HttpListener: on Linux
/// HttpListener is a managed re-implementation without request-rate limits or a drain on shutdown, while Kestrel gives
/// slow-client protection (minimum body data rate, header limits), graceful stop (in-flight requests finish) and
/// flushable responses for server-sent events. The empty builder keeps it lean: no configuration files, no
/// environment-driven URLs, no console logging; the routes are matched here by hand, so every unknown route answers in
/// OpenAI's error shape.
/// </summary>
internal sealed class ChatServer : IAsyncDisposable
{
    // UTF-8 as OpenAI writes it (an API body is not HTML: no \u0027 for an apostrophe).
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly WebApplication _app;
    private readonly BatchQueue _queue;
    private readonly ServeOptions _options;
    private readonly LlavaFamily _family;
    private readonly string _fingerprint;
    private readonly long _created;

    private ChatServer(WebApplication app, BatchQueue queue, ServeOptions options, LlavaFamily family, string fingerprint)
    {
        _app = app;
        _queue = queue;
        _options = options;
        _family = family;
        _fingerprint = fingerprint;
        _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:8000</c> (the real port when started with port 0).</summary>
    public Uri Address { get; private set; } = null!;

    public BatchQueue Queue => _queue;

    public static async Task<ChatServer> StartAsync(ServeOptions options, LlavaBackend backend)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            // The body cap is ours (an OpenAI-shaped 413); Kestrel's own would answer a bare 413.
            k.Limits.MaxRequestBodySize = null;
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(options.Host), options.Port);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromMinutes(5));
        var app = builder.Build();
        var server = new ChatServer(app, new BatchQueue(backend, options), options, backend.Model.Family, backend.Fingerprint);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address.Replace("0.0.0.0", options.Host, StringComparison.Ordinal).Replace("[::]", $"[{options.Host}]", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Stops listening, lets in-flight requests finish (they are answered), then drains the model queue.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _queue.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext http)
    {
        try
        {
            var path = http.Request.Path.Value ?? "";
            var method = http.Request.Method;
            if (!Authorized(http.Request))
            {
                var given = http.Request.Headers.Authorization.Count > 0;
                await WriteError(http, new ApiError(
                    401,
                    given ? "Incorrect API key provided. Pass the key serve was started with as 'Authorization: Bearer KEY'." : "You didn't provide an API key. Pass it as 'Authorization: Bearer KEY' (the key serve was started with).",
                    "invalid_request_error",
                    null,
                    "invalid_api_key")).ConfigureAwait(false);
                return;
            }

            switch ((method, path.TrimEnd('/')))
            {
                case ("POST", "/v1/chat/completions"):
                    await CompleteAsync(http).ConfigureAwait(false);
                    break;
                case ("GET", "/v1/models"):
                    await WriteJson(http, 200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray(ModelJson()) }).ConfigureAwait(false);
                    break;
                case ("GET", var p) when p == "/v1/models/" + _options.ModelId:
                    await WriteJson(http, 200, ModelJson()).ConfigureAwait(false);
                    break;
                case ("GET", var p) when p.StartsWith("/v1/models/", StringComparison.Ordinal):
                    await WriteError(http, new ApiError(404, $"The model `{p["/v1/models/".Length..]}` does not exist. This server serves `{_options.ModelId}`.", "invalid_request_error", "model", "model_not_found")).ConfigureAwait(false);
                    break;
                default:
                    // OpenAI's answer for a route it does not have, whatever the method.
                    await WriteError(http, new ApiError(404, $"Invalid URL ({method} {path})", "invalid_request_error")).ConfigureAwait(false);
                    break;
            }
        }
        catch (ApiErrorException e)
        {
            await WriteError(http, e.Error).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            await WriteError(http, ApiError.Server($"The server had an error while processing your request: {e.GetType().Name}: {e.Message}")).ConfigureAwait(false);
        }
    }

    private JsonObject ModelJson() => new()
    {
        ["id"] = _options.ModelId,
        ["object"] = "model",
        ["created"] = _created,
        ["owned_by"] = "lladav-eval",
    };

    private bool Authorized(HttpRequest request)
    {
        if (_options.ApiKey is null)
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time: the comparison does not tell a caller how many leading characters were right.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())),
            SHA256.HashData(Encoding.UTF8.GetBytes(_options.ApiKey)));
    }

    private async Task CompleteAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new ApiErrorException(ApiError.BadRequest($"We could not parse the JSON body of your request: {e.Message}"));
        }

        ChatCall call;
        using (document)
        {
            call = ChatRequest.Parse(document.RootElement, _options, _family, (url, param) => ImageUrls.Load(url, param, _options.FileRoot));
        }

        var images = call.Images;
        var request = new GenerationRequest(
            new TaskName("serve"),
            new DocId(0),
            call.Context,
            call.Kwargs,
            () => [.. images.Select((image, i) => new ImageInput(string.Create(CultureInfo.InvariantCulture, $"image {i}"), () => image))],
            call.Seed);
        var result = await _queue.EnqueueAsync(request).ConfigureAwait(false);
        var (text, finish) = Finish(result, call);
        var usage = new JsonObject
        {
            ["prompt_tokens"] = result.Usage.PromptTokens + result.Usage.VisualTokens,
            ["completion_tokens"] = result.Usage.GeneratedTokens,
            ["total_tokens"] = result.Usage.PromptTokens + result.Usage.VisualTokens + result.Usage.GeneratedTokens,
        };
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!call.Stream)
        {
            await WriteJson(http, 200, new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = created,
                ["model"] = _options.ModelId,
                ["system_fingerprint"] = _fingerprint,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
                    ["logprobs"] = null,
                    ["finish_reason"] = finish,
                }),
                ["usage"] = usage,
            }).ConfigureAwait(false);
            return;
        }

        // Server-sent events in OpenAI's chunk format (API reference, "The chat completion chunk object"): the role,
        // the content, the finish reason, the usage chunk when stream_options.include_usage asks, then "data: [DONE]".
        // A masked-diffusion answer is committed as a whole canvas, so its text arrives in one content delta.
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        JsonObject Chunk(JsonObject? delta, string? reason)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = _options.ModelId,
                ["system_fingerprint"] = _fingerprint,
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = reason }),
            };
            if (call.IncludeUsage)
            {
                chunk["usage"] = delta is null ? usage.DeepClone() : null;
            }

            return chunk;
        }

        var events = new List<JsonObject>
        {
            Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null),
            Chunk(new JsonObject { ["content"] = text }, null),
            Chunk(new JsonObject(), finish),
        };
        if (call.IncludeUsage)
        {
            events.Add(Chunk(null, null));
        }

        foreach (var e in events)
        {
            await http.Response.WriteAsync("data: " + e.ToJsonString(s_json) + "\n\n", http.RequestAborted).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }

        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The answer and OpenAI's finish_reason: "stop" when sampling ended at a stop sequence or end-of-turn token,
    /// "length" when the answer filled max_tokens / gen_length. LLaMA3-V's sampler stops only at its end tokens, so the
    /// request's stop strings cut its text here (OpenAI: the stop sequence itself is not returned).
    /// </summary>
    private (string Text, string Finish) Finish(GenerationResult result, ChatCall call)
    {
        var text = result.Text;
        var stopped = result.Stopped ?? false;
        if (_family == LlavaFamily.Llama3V && call.Stop.Length > 0)
        {
            var cut = call.Stop.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            if (cut >= 0)
            {
                text = text[..cut];
                stopped = true;
            }
        }

        return (text, stopped ? "stop" : "length");
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        var cap = _options.MaxBodyBytes;
        ApiError TooLarge(string size) => new(413, $"Request body too large: {size}; the limit is {cap} bytes (serve --max-body-bytes).", "invalid_request_error", null, "request_too_large");
        if (http.Request.ContentLength is { } declared && declared > cap)
        {
            throw new ApiErrorException(TooLarge($"{declared} bytes"));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > cap)
            {
                throw new ApiErrorException(TooLarge($"more than {cap} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task WriteError(HttpContext http, ApiError error)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        if (error.Status == 413)
        {
            // The rest of an oversized body is not read: close the connection rather than drain it.
            http.Response.Headers.Connection = "close";
        }

        await WriteJson(http, error.Status, error.ToJson()).ConfigureAwait(false);
    }

    private static async Task WriteJson(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(s_json), http.RequestAborted).ConfigureAwait(false);
    }
}
