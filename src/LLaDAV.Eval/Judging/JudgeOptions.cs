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

    /// <summary>Per-request time limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per prompt before the judge reports failure (lmms-eval retries too, but without bound).</summary>
    public int MaxAttempts { get; init; } = 3;

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
        ["endpoint"] = ChatCompletionsUri.GetLeftPart(UriPartial.Path),
        ["model"] = Model,
        ["api_key_env"] = ApiKeyEnvironmentVariable,
        ["cache_directory"] = CacheDirectory,
        ["max_attempts"] = MaxAttempts,
        ["max_tokens"] = MaxTokens,
        ["temperature"] = 0,
    };
}
