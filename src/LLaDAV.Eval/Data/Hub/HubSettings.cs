using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>
/// How this process talks to the Hugging Face Hub, read from the variables <c>huggingface_hub</c> reads
/// (huggingface_hub <c>constants.py</c>): <c>HF_ENDPOINT</c> (default <c>https://huggingface.co</c>, trailing <c>/</c>
/// dropped), <c>HF_HUB_OFFLINE</c> (true for 1/ON/YES/TRUE, any case: <c>_is_true</c>), the token from
/// <c>HF_TOKEN</c>, else the file <c>HF_TOKEN_PATH</c>, else <c>$HF_HOME/token</c> (what <c>hf auth login</c> /
/// <c>huggingface-cli login</c> writes; <c>utils/_auth.py</c> <c>get_token</c>), and the hub cache folder
/// (<see cref="HubCache.DefaultHubCache"/>).
/// </summary>
public sealed record HubSettings(Uri Endpoint, string? Token, string? TokenSource, bool Offline, string HubCache)
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Parallel file transfers (huggingface_hub <c>snapshot_download</c>'s default <c>max_workers=8</c>).</summary>
    public int MaxParallelFiles { get; init; } = 8;

    /// <summary>Attempts per file before a transfer error is final (huggingface_hub <c>http_get</c> retries 5 times).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First retry delay; doubled per attempt up to 8 s (huggingface_hub <c>http_backoff</c>: base 1 s, max 8 s).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A response that sends no byte for this long is an interrupted connection (huggingface_hub <c>HF_HUB_DOWNLOAD_TIMEOUT</c>, 10 s).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True for huggingface_hub's truthy spellings: 1, ON, YES, TRUE (any case).</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    public static bool OfflineFromEnvironment() => IsTrue(Environment.GetEnvironmentVariable("HF_HUB_OFFLINE"));

    /// <summary>
    /// The settings of this process. Test hooks (no user sets them): <c>LLADAV_HUB_RETRY_BASE_MS</c> and
    /// <c>LLADAV_HUB_READ_TIMEOUT_MS</c> shorten the retry delay and the stall timeout so fault tests stay quick.
    /// </summary>
    public static HubSettings FromEnvironment(bool forceOffline = false)
    {
        var endpointText = Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } e ? e.TrimEnd('/') : DefaultEndpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ConfigException($"HF_ENDPOINT '{endpointText}' is not an http(s) URL. Set it to the Hub's address (default {DefaultEndpoint}) or unset it.");
        }

        var cache = Hub.HubCache.DefaultHubCache()
            ?? throw new ConfigException("No hub cache folder: set HF_HUB_CACHE or HF_HOME (huggingface_hub's variables) to where datasets are kept.");
        var (token, source) = ReadToken();
        var settings = new HubSettings(endpoint, token, source, forceOffline || OfflineFromEnvironment(), cache);
        if (int.TryParse(Environment.GetEnvironmentVariable("LLADAV_HUB_RETRY_BASE_MS"), out var retryMs) && retryMs >= 0)
        {
            settings = settings with { RetryBaseDelay = TimeSpan.FromMilliseconds(retryMs) };
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("LLADAV_HUB_READ_TIMEOUT_MS"), out var readMs) && readMs > 0)
        {
            settings = settings with { ReadTimeout = TimeSpan.FromMilliseconds(readMs) };
        }

        return settings;
    }

    /// <summary><c>get_token</c>: <c>HF_TOKEN</c> (legacy <c>HUGGING_FACE_HUB_TOKEN</c>), else the token file.</summary>
    private static (string? Token, string? Source) ReadToken()
    {
        foreach (var name in new[] { "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } v && v.Trim() is { Length: > 0 } t)
            {
                return (t, name);
            }
        }

        var path = Environment.GetEnvironmentVariable("HF_TOKEN_PATH") is { Length: > 0 } p ? p
            : Hub.HubCache.DefaultHfHome() is { } home ? Path.Combine(home, "token") : null;
        if (path is not null && File.Exists(path))
        {
            var info = new FileInfo(path);
            if (info.Length <= 4096 && File.ReadAllText(path).Trim() is { Length: > 0 } fromFile)
            {
                return (fromFile, path);
            }
        }

        return (null, null);
    }
}
