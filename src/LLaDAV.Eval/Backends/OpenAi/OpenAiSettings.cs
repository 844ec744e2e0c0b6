using System.Globalization;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends.OpenAi;

/// <summary>
/// The <c>--model-args</c> of <c>--model openai_compatible</c> (alias <c>openai</c>), named and defaulted as lmms-eval
/// 75571cf takes them (<c>models/simple/openai.py</c> <c>OpenAICompatible.__init__</c> and <c>models/chat/openai.py</c>,
/// which adds <c>pass_video_url</c> and <c>enable_thinking_kwarg</c>). The model's endpoint is its own: <c>base_url</c>,
/// else <c>$OPENAI_API_BASE</c>; <c>api_key</c>, else <c>$OPENAI_API_KEY</c>. The judge never reads these, nor this
/// backend the judge's <c>--judge-url</c>/<c>--judge-key-env</c> (lmms-eval issue #710: one variable for both).
/// </summary>
public sealed record OpenAiSettings
{
    /// <summary>Where the variables come from: the process environment, or a test's.</summary>
    public const string BaseVariable = "OPENAI_API_BASE";

    public const string KeyVariable = "OPENAI_API_KEY";

    /// <summary>The openai-python client's own default (<c>OpenAI(base_url=None)</c>).</summary>
    public const string DefaultBaseUrl = "https://api.openai.com/v1";

    /// <summary>
    /// Every key lmms-eval's two classes declare, plus ours: <c>prompt_model</c> (which <c>lmms_eval_specific_kwargs</c>
    /// apply, as replay's), <c>force_simple</c> (lmms-eval's <c>--force_simple</c> flag: the simple class's request
    /// layout), <c>price_prompt_per_mtok</c>/<c>price_completion_per_mtok</c> (for the cost in results.json),
    /// <c>forward_gen_kwargs</c> (also send every other generation setting and the per-doc seed, for a server such as
    /// <c>lladav-eval serve</c> that reads them).
    /// </summary>
    public static IReadOnlyCollection<string> AcceptedKeys { get; } =
    [
        "model_version", "model", "base_url", "api_key", "timeout", "retry_backoff_s", "max_retries", "max_size_in_mb",
        "azure_openai", "max_frames_num", "video_fps", "httpx_trust_env", "batch_size", "num_concurrent",
        "adaptive_concurrency", "adaptive_min_concurrency", "adaptive_max_concurrency", "adaptive_target_latency_s",
        "adaptive_increase_step", "adaptive_decrease_factor", "adaptive_failure_threshold", "prefix_aware_queue",
        "prefix_hash_chars", "pass_video_url", "enable_thinking_kwarg",
        "prompt_model", "force_simple", "price_prompt_per_mtok", "price_completion_per_mtok", "forward_gen_kwargs",
    ];

    public required string Model { get; init; }

    /// <summary>The chat-completions base, without a trailing slash (<c>http://127.0.0.1:8000/v1</c>).</summary>
    public required Uri BaseUrl { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>Per attempt, really applied (lmms-eval stores <c>timeout</c> and never passes it to the client).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(600);

    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per request, as lmms-eval's <c>for attempt in range(self.max_retries)</c>.</summary>
    public int MaxRetries { get; init; } = 5;

    public int MaxSizeInMb { get; init; } = 20;

    public int MaxFramesNum { get; init; } = 10;

    public bool TrustEnvironmentProxy { get; init; } = true;

    public int NumConcurrent { get; init; } = 32;

    public bool PassVideoUrl { get; init; }

    public bool? EnableThinking { get; init; }

    public bool ForceSimple { get; init; }

    /// <summary>Send the generation settings lmms-eval does not send (and the per-doc seed) as extra body fields.</summary>
    public bool ForwardGenKwargs { get; init; }

    public string PromptModel { get; init; } = "openai";

    public double? PricePromptPerMillion { get; init; }

    public double? PriceCompletionPerMillion { get; init; }

    /// <summary>The longest wait a <c>Retry-After</c> header may ask for; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The endpoint as written and printed: no user-info password.</summary>
    public string RedactedBaseUrl => Redact.Url(BaseUrl.ToString()).TrimEnd('/');

    /// <summary>Parses and checks the args; <paramref name="environment"/> supplies <c>$OPENAI_API_BASE</c>/<c>$OPENAI_API_KEY</c>.</summary>
    public static OpenAiSettings Parse(ModelArgs args, string backendName, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string key) => args.Get(key);
        ModelArgsException Bad(string key, string value, string allowed) =>
            new($"--model-args {key}={value} is invalid for --model {backendName}: {key} must be {allowed}.");

        int Int(string key, int fallback, int min, int max)
        {
            if (Get(key) is not { } v)
            {
                return fallback;
            }

            return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : throw Bad(key, v, $"a whole number in {min}..{max}");
        }

        double Num(string key, double fallback, double min, double max)
        {
            if (Get(key) is not { } v)
            {
                return fallback;
            }

            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && d >= min && d <= max ? d : throw Bad(key, v, $"a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
        }

        bool Bool(string key, bool fallback)
        {
            // lmms-eval model_utils/concurrency_control.py parse_bool: true/1/yes/on, false/0/no/off (any case).
            if (Get(key) is not { } v)
            {
                return fallback;
            }

            return v.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw Bad(key, v, "true or false"),
            };
        }

        // Keys lmms-eval declares whose behaviour we do not reproduce: refused by value, never silently ignored.
        if (Bool("azure_openai", false))
        {
            throw new ModelArgsException($"--model-args azure_openai=true is not supported by --model {backendName}: point base_url at the deployment's OpenAI-compatible endpoint instead.");
        }

        if (Bool("adaptive_concurrency", false))
        {
            throw new ModelArgsException($"--model-args adaptive_concurrency=true is not supported by --model {backendName}: set num_concurrent (requests in flight at once; 429s back off by Retry-After).");
        }

        if (Get("video_fps") is { } fps)
        {
            throw new ModelArgsException($"--model-args video_fps={fps} is not supported by --model {backendName}: videos are sent as max_frames_num uniformly sampled frames (or as their file:// URL with pass_video_url=true).");
        }

        if (Get("batch_size") is { } batch)
        {
            throw new ModelArgsException($"--model-args batch_size={batch}: use --batch-size {batch} (requests per batch; up to num_concurrent of them are in flight at once).");
        }

        var model = Get("model") ?? Get("model_version")
            ?? throw new ModelArgsException($"--model {backendName} needs --model-args model=NAME (the served model's name, as GET {{base_url}}/models lists it; lmms-eval also accepts model_version=NAME).");
        var rawBase = Get("base_url") ?? environment(BaseVariable);
        rawBase = string.IsNullOrWhiteSpace(rawBase) ? DefaultBaseUrl : rawBase;
        if (rawBase.Contains('%', StringComparison.Ordinal))
        {
            // lmms-eval: "Fix URL encoding issue - decode if it's URL encoded".
            rawBase = Uri.UnescapeDataString(rawBase);
        }

        rawBase = rawBase.TrimEnd('/');
        if (!Uri.TryCreate(rawBase, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ModelArgsException($"base_url '{Redact.Url(rawBase)}' ({(Get("base_url") is null ? "$" + BaseVariable : "--model-args base_url")}) is not an http(s) URL. Give the server's OpenAI base, e.g. base_url=http://127.0.0.1:8000/v1.");
        }

        var key = Get("api_key") ?? environment(KeyVariable);
        var thinking = Get("enable_thinking_kwarg") is { } ek ? Bool("enable_thinking_kwarg", false) : (bool?)null;
        _ = Int("adaptive_min_concurrency", 1, 1, 4096);
        _ = Int("adaptive_max_concurrency", 128, 1, 4096);
        _ = Num("adaptive_target_latency_s", 15, 0, 1e6);
        _ = Num("adaptive_increase_step", 0.1, 0, 1e6);
        _ = Num("adaptive_decrease_factor", 0.7, 0, 1);
        _ = Num("adaptive_failure_threshold", 0.05, 0, 1);
        // Dispatch order only (lmms-eval sorts requests by a prefix hash for server cache hits); answers are per doc.
        _ = Bool("prefix_aware_queue", true);
        _ = Int("prefix_hash_chars", 256, 1, 1 << 20);
        return new OpenAiSettings
        {
            Model = model,
            BaseUrl = baseUrl,
            ApiKey = string.IsNullOrEmpty(key) ? null : key,
            Timeout = TimeSpan.FromSeconds(Num("timeout", 600, 0.001, 86_400)),
            RetryBackoff = TimeSpan.FromSeconds(Num("retry_backoff_s", 1.0, 0, 3600)),
            MaxRetries = Int("max_retries", 5, 1, 100),
            MaxSizeInMb = Int("max_size_in_mb", 20, 1, 1024),
            MaxFramesNum = Int("max_frames_num", 10, 1, 4096),
            TrustEnvironmentProxy = Bool("httpx_trust_env", true),
            NumConcurrent = Int("num_concurrent", 32, 1, 1024),
            PassVideoUrl = Bool("pass_video_url", false),
            EnableThinking = thinking,
            ForceSimple = Bool("force_simple", false),
            ForwardGenKwargs = Bool("forward_gen_kwargs", false),
            PromptModel = Get("prompt_model") ?? "openai",
            PricePromptPerMillion = Get("price_prompt_per_mtok") is null ? null : Num("price_prompt_per_mtok", 0, 0, 1e9),
            PriceCompletionPerMillion = Get("price_completion_per_mtok") is null ? null : Num("price_completion_per_mtok", 0, 0, 1e9),
        };
    }
}
