using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends.OpenAi;

/// <summary>
/// <c>--model openai_compatible</c> (lmms-eval's <c>openai</c>; DESIGN.md §4): any model behind an OpenAI-compatible
/// <c>/v1/chat/completions</c> (vLLM, SGLang, TGI, <c>lladav-eval serve</c>). A batch's requests are sent at once, at most
/// <c>num_concurrent</c> in flight (one limit for the whole run); each answer comes back in request order, so the
/// journal, resume, shard and launch contract is the local backends'. A request that failed for good comes back as a
/// <see cref="RequestFailure"/>: the runner journals it unscored and <c>--resume</c> asks again.
/// </summary>
public sealed class OpenAiCompatibleBackend : IModelBackend
{
    private readonly ChatRequestBuilder _builder;
    private readonly ChatCompletionsClient _client;
    private readonly SemaphoreSlim _inFlight;

    public OpenAiCompatibleBackend(OpenAiSettings settings, ChatRequestBuilder builder, ChatCompletionsClient client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _builder = builder;
        _client = client;
        _inFlight = new SemaphoreSlim(settings.NumConcurrent, settings.NumConcurrent);
    }

    public OpenAiSettings Settings { get; }

    /// <summary>The prompt model: which <c>lmms_eval_specific_kwargs</c> apply (lmms-eval's model id <c>openai</c>).</summary>
    public string Name => Settings.PromptModel;

    /// <summary>The served model and its endpoint (no secrets): a resume against another server or model is refused.</summary>
    public string Fingerprint => $"openai_compatible:{Settings.Model}@{Settings.RedactedBaseUrl}";

    public async ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tasks = batch.Select(request => OneAsync(request, cancellationToken)).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task<GenerationResult> OneAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Encoding images is CPU work: off the caller's thread, inside the limit so memory stays bounded too.
            var body = await Task.Run(() => _builder.Build(request), cancellationToken).ConfigureAwait(false);
            return await _client.CompleteAsync(body, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _inFlight.Dispose();
    }
}

/// <summary>Creates <see cref="OpenAiCompatibleBackend"/>; registered as <c>openai_compatible</c> and as lmms-eval's <c>openai</c>.</summary>
public sealed class OpenAiCompatibleBackendFactory(string name = "openai_compatible") : IModelBackendFactory
{
    /// <summary>The names <c>--model</c> accepts for this backend.</summary>
    public static IReadOnlyList<string> Names { get; } = ["openai_compatible", "openai"];

    public string Name => name;

    public string Description => name == "openai"
        ? "lmms-eval's name for openai_compatible."
        : "a model served behind an OpenAI-compatible API: vLLM, SGLang, TGI, lladav-eval serve (model-args: model=NAME, base_url=URL|$OPENAI_API_BASE, api_key|$OPENAI_API_KEY, num_concurrent, timeout, max_retries).";

    public IReadOnlyCollection<string> AcceptedArgs => OpenAiSettings.AcceptedKeys;

    /// <summary>A served model is a real model: it never scores the embedded sample data (DESIGN.md §3).</summary>
    public bool MayUseSampleData(ModelArgs args) => false;

    public void Validate(ModelArgs args) => _ = OpenAiSettings.Parse(args, Name, Environment.GetEnvironmentVariable);

    public IModelBackend Create(ModelArgs args, BackendContext context)
    {
        var settings = OpenAiSettings.Parse(args, Name, Environment.GetEnvironmentVariable);
        return new OpenAiCompatibleBackend(settings, new ChatRequestBuilder(settings), new ChatCompletionsClient(settings));
    }
}
