using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Judging;

/// <summary>
/// The optional LLM judge (issue 4 item 4; docs/ARCHITECTURE.md §2): one user message per prompt to an OpenAI-compatible
/// <c>/chat/completions</c> endpoint at temperature 0, as lmms-eval's judges send it (e.g.
/// <c>tasks/mathvista/mathvista_evals.py</c> <c>get_chat_response</c>). Answers are cached on disk by (judge model,
/// prompt-template hash, input hash), so a re-run costs no calls and gives the same verdicts. Failures surface as
/// <see cref="JudgeException"/> after <see cref="JudgeOptions.MaxAttempts"/> tries, or at once when
/// <see cref="JudgeOptions.BreakerThreshold"/> requests in a row have failed (issue 14 §3: a dead judge must not
/// stretch a run); nothing is guessed, and the caller leaves the sample unscored.
/// </summary>
public sealed class OpenAiCompatibleJudge : ITemplatedAnswerJudge, IDisposable
{
    private readonly JudgeOptions _options;
    private readonly HttpClient _client;
    private readonly string? _apiKey;
    private long _requests;
    private long _cacheHits;
    private long _failures;
    private long _consecutiveFailures;
    private volatile string? _lastError;
    private readonly Action<JudgeEvent>? _events;

    /// <param name="events">Progress notices (waits, retries, failures, the breaker opening); called on any thread.</param>
    public OpenAiCompatibleJudge(JudgeOptions options, HttpMessageHandler? handler = null, Action<JudgeEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _events = events;
        if (options.ApiKeyEnvironmentVariable is { Length: > 0 } variable)
        {
            _apiKey = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(_apiKey))
            {
                throw new ConfigException($"The judge key variable '{variable}' (--judge-key-env) is not set. Export it, or omit --judge-key-env for an endpoint without authentication.");
            }
        }

        Directory.CreateDirectory(options.CacheDirectory);
        _client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _client.Timeout = options.Timeout;
    }

    public string Model => _options.Model;

    public JudgeOptions Options => _options;

    /// <summary>HTTP requests sent (every attempt counts).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Prompts the judge could not answer.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The judge's settings and call statistics for the run manifest.</summary>
    public JsonObject ToManifest()
    {
        var manifest = _options.ToManifest();
        manifest["requests"] = Requests;
        manifest["cache_hits"] = CacheHits;
        manifest["failures"] = Failures;
        manifest["circuit_open"] = CircuitOpenMessage() is not null;
        return manifest;
    }

    /// <summary>A prompt without a template: keyed as template "raw" with the whole text as input.</summary>
    public string Complete(string prompt, CancellationToken cancellationToken) =>
        Complete(JudgePrompt.Create("raw", "{prompt}", ("prompt", prompt)), cancellationToken);

    public string Complete(JudgePrompt prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var cacheFile = CachePath(prompt);
        if (TryReadCache(cacheFile, out var cached))
        {
            Interlocked.Increment(ref _cacheHits);
            return cached;
        }

        var text = prompt.Render();
        var attempts = Math.Max(1, _options.MaxAttempts);
        string? lastError = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (CircuitOpenMessage() is { } open)
            {
                // No request: a judge that failed this often in a row is down; waiting on it again would only
                // stretch the run. The sample stays unscored and --resume retries it.
                Interlocked.Increment(ref _failures);
                throw new JudgeException(open);
            }

            try
            {
                var answer = SendWithNotice(text, attempt, attempts, cancellationToken);
                Interlocked.Exchange(ref _consecutiveFailures, 0);
                WriteCache(cacheFile, prompt, text, answer);
                return answer;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JudgeException or JsonException or IOException)
            {
                if (e is TaskCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                lastError = e is TaskCanceledException ? $"timed out after {_options.Timeout.TotalSeconds:0.#} s" : e.Message;
                _lastError = lastError;
                var failedInARow = Interlocked.Increment(ref _consecutiveFailures);
                if (failedInARow >= Math.Max(1, _options.BreakerThreshold))
                {
                    Raise(JudgeEventKind.CircuitOpen, attempt, attempts, CircuitOpenMessage()!);
                    break;
                }

                if (attempt < attempts)
                {
                    var pause = _options.RetryDelay * attempt;
                    Raise(JudgeEventKind.Retrying, attempt, attempts, $"judge attempt {attempt}/{attempts} failed ({lastError}); retrying in {pause.TotalSeconds:0.#} s");
                    if (pause > TimeSpan.Zero)
                    {
                        Thread.Sleep(pause);
                    }
                }
            }
        }

        Interlocked.Increment(ref _failures);
        var message = $"Judge {_options.Model} at {Endpoint} failed {attempts} time(s) for template '{prompt.TemplateName}': {lastError}";
        Raise(JudgeEventKind.Failed, attempts, attempts, message);
        throw new JudgeException(message);
    }

    /// <summary>The breaker's state: null while closed, else why no request is sent.</summary>
    private string? CircuitOpenMessage() =>
        Interlocked.Read(ref _consecutiveFailures) >= Math.Max(1, _options.BreakerThreshold)
            ? $"Judge {_options.Model} at {Endpoint} is treated as down after {Math.Max(1, _options.BreakerThreshold)} consecutive failed requests (last: {_lastError}); no further requests in this run (--judge-breaker). The samples stay unscored; fix the judge and --resume the run to score them."
            : null;

    /// <summary>The endpoint as printed and written: no user-info password (issue 23 §6).</summary>
    private string Endpoint => Errors.Redact.Url(_options.ChatCompletionsUri.GetLeftPart(UriPartial.Path));

    private void Raise(JudgeEventKind kind, int attempt, int attempts, string message) =>
        _events?.Invoke(new JudgeEvent(kind, attempt, attempts, message));

    /// <summary><see cref="Send"/>, telling the progress view once when the request is slow (a hung judge is visible).</summary>
    private string SendWithNotice(string text, int attempt, int attempts, CancellationToken cancellationToken)
    {
        using var notice = _events is null || _options.SlowRequestNotice <= TimeSpan.Zero
            ? null
            : new Timer(
                _ => Raise(JudgeEventKind.Waiting, attempt, attempts, $"waiting for the judge at {Endpoint}: attempt {attempt}/{attempts}, gives up after {_options.Timeout.TotalSeconds:0.#} s (--judge-timeout)"),
                null,
                _options.SlowRequestNotice,
                System.Threading.Timeout.InfiniteTimeSpan);
        return Send(text, cancellationToken);
    }

    private string Send(string prompt, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = _options.Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["temperature"] = 0,
            ["max_tokens"] = _options.MaxTokens,
            ["n"] = 1,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.ChatCompletionsUri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        Interlocked.Increment(ref _requests);
        // Headers first: the default (ResponseContentRead) would buffer the whole body, up to 2 GB, before ReadBody's cap.
        using var response = _client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var payload = ReadBody(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new JudgeException($"HTTP {(int)response.StatusCode} {Errors.Terminal.Escape(response.ReasonPhrase)}: {Truncate(payload)}");
        }

        var json = JsonNode.Parse(payload);
        var content = json?["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
        if (content is null)
        {
            throw new JudgeException($"the reply has no choices[0].message.content: {Truncate(payload)}");
        }

        // lmms-eval strips the reply and treats an empty one as a failed attempt (get_chat_response).
        content = content.Trim();
        return content.Length == 0 ? throw new JudgeException("the reply content is empty") : content;
    }

    /// <summary>
    /// The body, at most <see cref="Media.InputLimits.MaxResponseBytes"/>: a server that streams without end is a failed
    /// attempt (counted, retried, breaker) like any other, not a process that grows until it is killed (issue 23 §3).
    /// </summary>
    private static string ReadBody(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = Media.InputLimits.Current.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new JudgeException($"the reply declares {declared} bytes, more than the limit. {Media.InputLimits.RaiseHint("LLADAV_MAX_RESPONSE_BYTES", limit)}");
        }

        using var stream = response.Content.ReadAsStream(cancellationToken);
        using var body = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (body.Length + n > limit)
            {
                throw new JudgeException($"the reply is longer than the limit. {Media.InputLimits.RaiseHint("LLADAV_MAX_RESPONSE_BYTES", limit)}");
            }

            body.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    /// <summary>
    /// The cache file of a prompt, keyed by everything that decides the verdict (issue 23 §5): the endpoint (another
    /// server is another judge, even under the same model name), the model, max_tokens, the template and the input.
    /// Temperature and n are fixed (0, 1). The endpoint enters the key without its user-info password.
    /// </summary>
    private string CachePath(JudgePrompt prompt)
    {
        var key = JudgePrompt.Sha256(string.Join("\n",
            "endpoint=" + Errors.Redact.Url(_options.ChatCompletionsUri.ToString()),
            "model=" + _options.Model,
            "max_tokens=" + _options.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            prompt.TemplateHash,
            prompt.InputHash));
        return Path.Combine(_options.CacheDirectory, SafeName(_options.Model), prompt.TemplateName, key[..2], key + ".json");
    }

    private static bool TryReadCache(string file, out string answer)
    {
        answer = "";
        if (!File.Exists(file))
        {
            return false;
        }

        try
        {
            var node = JsonNode.Parse(Media.BoundedFile.ReadAllText(file, "judge cache entry"));
            if (node?["response"]?.GetValue<string>() is { } r)
            {
                answer = r;
                return true;
            }
        }
        catch (Exception e) when (e is JsonException or Media.InputLimitException or IOException)
        {
            // A torn, edited, oversized or non-regular entry is ignored and rewritten by the next successful call.
        }

        return false;
    }

    private void WriteCache(string file, JudgePrompt prompt, string rendered, string answer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var entry = new JsonObject
        {
            ["endpoint"] = Errors.Redact.Url(_options.ChatCompletionsUri.ToString()),
            ["model"] = _options.Model,
            ["max_tokens"] = _options.MaxTokens,
            ["template"] = prompt.TemplateName,
            ["template_sha256"] = prompt.TemplateHash,
            ["input_sha256"] = prompt.InputHash,
            ["prompt"] = rendered,
            ["response"] = answer,
        };
        var temp = file + "." + Environment.ProcessId + "." + Environment.CurrentManagedThreadId + ".tmp";
        File.WriteAllText(temp, entry.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, file, overwrite: true);
    }

    private static string SafeName(string s)
    {
        var chars = s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return new string(chars);
    }

    /// <summary>The start of a reply for an error message, its control characters escaped: the message reaches a terminal.</summary>
    private static string Truncate(string s) => Errors.Terminal.Escape(s.Length <= 300 ? s : s[..300] + "...");

    public void Dispose() => _client.Dispose();
}
