using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends.OpenAi;

/// <summary>
/// POSTs request bodies to <c>{base_url}/chat/completions</c> and reads the documented response shape (OpenAI API
/// reference, "The chat completion object": <c>choices[0].message.content</c>, <c>finish_reason</c>, <c>usage</c>; vLLM and
/// SGLang add <c>message.reasoning_content</c>). Where lmms-eval 75571cf's <c>process_single_request</c> falls short,
/// this does what the issue asks:
/// <list type="bullet">
/// <item><c>timeout</c> is applied to every attempt (upstream stores it and never hands it to the client);</item>
/// <item>retries back off exponentially from <c>retry_backoff_s</c> (upstream: a constant sleep), and a 429 waits what
/// its <c>Retry-After</c> (or <c>retry-after-ms</c>) header asks, up to <see cref="OpenAiSettings.MaxRetryAfter"/>;</item>
/// <item>after <c>max_retries</c> attempts the result is a <see cref="RequestFailure"/>, never a text: upstream returns
/// <c>"[LMMS_EVAL_REQUEST_FAILED after N retries] ..."</c> as the answer and scores it;</item>
/// <item>a rejected key (401/403) or an unknown model or path (404) ends the run with one error naming the setting,
/// since every other request would fail the same way; other 4xx fail the request at once (retrying cannot help);</item>
/// <item>every body read is capped at <see cref="Media.InputLimits.MaxResponseBytes"/>, as the judge's.</item>
/// </list>
/// The API key goes only into the Authorization header; errors name the endpoint without secrets.
/// </summary>
public sealed class ChatCompletionsClient : IDisposable
{
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(60);
    private readonly OpenAiSettings _settings;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    /// <param name="delay">How a backoff waits (tests record the waits instead of sleeping).</param>
    public ChatCompletionsClient(OpenAiSettings settings, HttpMessageHandler? handler = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _endpoint = new Uri(settings.BaseUrl.ToString().TrimEnd('/') + "/chat/completions");
        _delay = delay ?? Task.Delay;
        handler ??= new SocketsHttpHandler
        {
            // httpx_trust_env=false: ignore HTTP(S)_PROXY as lmms-eval's DefaultHttpxClient(trust_env=False) does.
            UseProxy = settings.TrustEnvironmentProxy,
            MaxConnectionsPerServer = settings.NumConcurrent,
            AutomaticDecompression = DecompressionMethods.None,
        };
        // The per-attempt timeout is ours (a CancellationTokenSource per attempt), so the client's own is off.
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>The endpoint as printed: no user-info password.</summary>
    public string Endpoint => Redact.Url(_endpoint.ToString());

    /// <summary>Sends one request with its retries; a result with <see cref="GenerationResult.Failure"/> when all failed.</summary>
    public async Task<GenerationResult> CompleteAsync(byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var clock = Stopwatch.StartNew();
        var attempts = _settings.MaxRetries;
        string lastError = "no attempt made";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? retryAfter = null;
            using (var perAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                perAttempt.CancelAfter(_settings.Timeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    if (_settings.ApiKey is { } key)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    }

                    // Headers first: the default would buffer the whole body before our cap applies.
                    using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, perAttempt.Token).ConfigureAwait(false);
                    var payload = await ReadBodyAsync(response, perAttempt.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        return Parse(payload, attempt, clock.Elapsed);
                    }

                    lastError = $"HTTP {status}: {Brief(payload)}";
                    switch (status)
                    {
                        case 401 or 403:
                            throw new ConfigException($"The server at {Endpoint} refused the API key (HTTP {status}: {Brief(payload)}). Set --model-args api_key=KEY or ${OpenAiSettings.KeyVariable} (the judge's key is separate: --judge-key-env).");
                        case 404:
                            throw new ConfigException($"The server at {Endpoint} answered HTTP 404 ({Brief(payload)}): check that base_url ends in the API root (e.g. http://127.0.0.1:8000/v1) and that model={_settings.Model} is what GET {Redact.Url(_settings.BaseUrl.ToString())}/models lists.");
                        case 429:
                            retryAfter = RetryAfter(response);
                            break;
                        case 408 or 409 or >= 500:
                            break;
                        default:
                            // 400, 413, 422...: the same body would be refused again; the sample stays unscored.
                            return GenerationResult.Failed(new RequestFailure(lastError, attempt), clock.Elapsed);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = $"no reply within {_settings.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (timeout)";
                }
                catch (HttpRequestException e)
                {
                    lastError = "connection failed: " + Terminal.Escape(e.InnerException?.Message ?? e.Message);
                }
                catch (IOException e)
                {
                    lastError = "connection failed: " + Terminal.Escape(e.Message);
                }
                catch (ReplyException e)
                {
                    lastError = e.Message;
                }
            }

            if (attempt < attempts)
            {
                await _delay(retryAfter ?? Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        return GenerationResult.Failed(new RequestFailure(lastError, attempts), clock.Elapsed);
    }

    /// <summary><c>retry_backoff_s</c> × 2^(attempt-1), at most a minute.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var seconds = _settings.RetryBackoff.TotalSeconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, s_maxBackoff.TotalSeconds));
    }

    /// <summary>
    /// What a 429 asks: <c>retry-after-ms</c> (the openai clients read it first), else <c>Retry-After</c> as seconds or an
    /// HTTP date (RFC 9110 §10.2.3); null when the server says nothing (the backoff applies). At most MaxRetryAfter.
    /// </summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        TimeSpan? wait = null;
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0 && double.IsFinite(millis))
        {
            wait = TimeSpan.FromMilliseconds(Math.Min(millis, _settings.MaxRetryAfter.TotalMilliseconds));
        }
        else if (response.Headers.RetryAfter is { } header)
        {
            wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        }

        return wait is null ? null : wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _settings.MaxRetryAfter ? _settings.MaxRetryAfter : wait;
    }

    /// <summary>Reads a chat completion; a reply without choices or of another shape is a failed attempt.</summary>
    internal static GenerationResult Parse(string payload, int attempt, TimeSpan elapsed)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new ReplyException($"the reply is not JSON ({e.Message}): {Brief(payload)}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || choices[0].ValueKind != JsonValueKind.Object || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                throw new ReplyException($"the reply has no choices[0].message: {Brief(payload)}");
            }

            var choice = choices[0];
            var content = message.TryGetProperty("content", out var c) ? Content(c) : null;
            var reasoning = Str(message, "reasoning_content") ?? Str(message, "reasoning");
            var finish = Str(choice, "finish_reason");
            ServedUsage? usage = null;
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object && Int(u, "prompt_tokens") is { } prompt && Int(u, "completion_tokens") is { } completion)
            {
                long? reasoningTokens = u.TryGetProperty("completion_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object ? Int(details, "reasoning_tokens") : null;
                usage = new ServedUsage(prompt, completion, reasoningTokens);
            }

            var tokens = usage is null
                ? TokenUsage.None
                : new TokenUsage((int)Math.Min(usage.PromptTokens, int.MaxValue), 0, (int)Math.Min(usage.CompletionTokens, int.MaxValue), 0);
            return new GenerationResult(content ?? "", tokens, elapsed)
            {
                Served = new ServedCompletion(finish, reasoning, usage, attempt) { ContentText = content },
            };
        }
    }

    /// <summary>lmms-eval simple/openai.py <c>_normalize_openai_message_content</c>: a string, null, or a list of text parts joined.</summary>
    private static string? Content(JsonElement c) => c.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => c.GetString(),
        JsonValueKind.Array => string.Concat(c.EnumerateArray().Select(p => p.ValueKind switch
        {
            JsonValueKind.String => p.GetString(),
            JsonValueKind.Object when Str(p, "type") == "text" && Str(p, "text") is { } t => t,
            JsonValueKind.Object when Str(p, "content") is { } t => t,
            _ => "",
        })),
        _ => throw new ReplyException($"choices[0].message.content is a {c.ValueKind}, not a string"),
    };

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n : null;

    /// <summary>The body, at most <see cref="Media.InputLimits.MaxResponseBytes"/>; more is a failed attempt.</summary>
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = Media.InputLimits.Current.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new ReplyException($"the reply declares {declared} bytes, more than the limit. {Media.InputLimits.RaiseHint("LLADAV_MAX_RESPONSE_BYTES", limit)}");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + n > limit)
                {
                    throw new ReplyException($"the reply is longer than the limit. {Media.InputLimits.RaiseHint("LLADAV_MAX_RESPONSE_BYTES", limit)}");
                }

                body.Write(buffer, 0, n);
            }

            return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        }
    }

    /// <summary>The start of a reply for a message: one line, control characters escaped.</summary>
    private static string Brief(string s) => Terminal.Escape((s.Length <= 300 ? s : s[..300] + "...").ReplaceLineEndings(" "));

    public void Dispose() => _client.Dispose();

    /// <summary>A reply that is not a usable chat completion (malformed, too long): a failed attempt.</summary>
    internal sealed class ReplyException(string message) : Exception(message);
}
