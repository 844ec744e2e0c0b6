using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Judging;

/// <summary>
/// Where the optional LLM judge lives (issue 4 item 4): any OpenAI-compatible chat-completions endpoint. The key is
/// never stored, only the name of the environment variable holding it, so options can go into the run manifest.
/// </summary>
/// <param name="Endpoint">The chat-completions URL (lmms-eval's <c>OPENAI_API_URL</c>); a base URL such as
/// <c>http://host/v1</c> gets <c>/chat/completions</c> appended.</param>
/// <param name="Model">The judge model id sent in each request (lmms-eval's <c>MODEL_VERSION</c>).</param>
/// <param name="ApiKeyEnvironmentVariable">The environment variable holding the bearer key; null = no key.</param>
/// <param name="CacheDirectory">Where answers are cached, one file per (model, prompt template, input).</param>
public sealed record JudgeOptions(Uri Endpoint, string Model, string? ApiKeyEnvironmentVariable, string CacheDirectory)
{
    /// <summary>
    /// The judge cache when none is given: <c>$XDG_CACHE_HOME/lladav-eval/judge</c>, else
    /// <c>~/.cache/lladav-eval/judge</c>, so verdicts are shared between runs and run directories.
    /// </summary>
    public static string DefaultCacheDirectory() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? Path.Combine(xdg, "lladav-eval", "judge")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lladav-eval", "judge");

    /// <summary>Default <see cref="Timeout"/>: a healthy judge answers a 256-token verdict well within it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 2;

    /// <summary>Default <see cref="BreakerThreshold"/>.</summary>
    public const int DefaultBreakerThreshold = 4;

    /// <summary>Per-request time limit (<c>--judge-timeout</c>).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Attempts per prompt before the judge reports failure (<c>--judge-attempts</c>; lmms-eval retries too, but without bound).</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>
    /// Consecutive failed requests (any prompt) after which the circuit opens: every later prompt of the process
    /// fails at once, unscored, without a request (<c>--judge-breaker</c>). A dead judge (closed port, HTTP 500, a
    /// server that accepts and never answers) therefore costs at most about
    /// <c>BreakerThreshold × (Timeout + RetryDelay × MaxAttempts)</c> per run: 4 × 32 s ≈ 2 min with the defaults.
    /// </summary>
    public int BreakerThreshold { get; init; } = DefaultBreakerThreshold;

    /// <summary>A request slower than this is reported to the progress view as a wait (the judge is then the bottleneck).</summary>
    public TimeSpan SlowRequestNotice { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between attempts, multiplied by the attempt number.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>max_tokens</c> of each judge request (lmms-eval's judges ask for 256 at temperature 0).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>The endpoint actually called: <see cref="Endpoint"/>, with <c>/chat/completions</c> added to a base URL.</summary>
    public Uri ChatCompletionsUri => Endpoint.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal)
        ? Endpoint
        : new Uri(Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/chat/completions" + Endpoint.Query);

    /// <summary>What the run manifest records about the judge (never the key itself).</summary>
    public JsonObject ToManifest() => new()
    {
        ["endpoint"] = Errors.Redact.Url(ChatCompletionsUri.GetLeftPart(UriPartial.Path)),
        ["model"] = Model,
        ["api_key_env"] = ApiKeyEnvironmentVariable,
        ["cache_directory"] = CacheDirectory,
        ["max_attempts"] = MaxAttempts,
        ["timeout_seconds"] = Timeout.TotalSeconds,
        ["breaker_threshold"] = BreakerThreshold,
        ["max_tokens"] = MaxTokens,
        ["temperature"] = 0,
    };
}
