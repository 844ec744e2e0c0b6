using System.Collections.Immutable;
using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>A task's registry name, e.g. <c>mmmu_val</c>.</summary>
public readonly record struct TaskName(string Value)
{
    public override string ToString() => Value;
}

/// <summary>The position of a document in its task's evaluation split (lmms-eval's <c>doc_id</c>).</summary>
public readonly record struct DocId(int Value) : IComparable<DocId>
{
    public int CompareTo(DocId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One visual input of a request. Resolved lazily: a backend that ignores media never decodes it.</summary>
public abstract record VisualInput;

/// <summary>An image; <see cref="Load"/> decodes it (PIL <c>convert("RGB")</c> semantics) when a backend asks.</summary>
public sealed record ImageInput(string Description, Func<RgbImage> Load) : VisualInput;

/// <summary>A video file on disk; the backend samples its frames.</summary>
public sealed record VideoInput(string Path) : VisualInput;

/// <summary>
/// Generation settings after the task's YAML <c>generation_kwargs</c>, the model-specific overrides and
/// <c>--gen-kwargs</c> were merged (docs/LMMS-EVAL.md §1.2). Values are kept as their YAML/CLI scalars (string, long,
/// double, bool) or lists of strings (<c>until</c>).
/// </summary>
public sealed record GenerationKwargs(ImmutableSortedDictionary<string, object> Values)
{
    public static GenerationKwargs Empty { get; } = new(ImmutableSortedDictionary<string, object>.Empty.WithComparers(StringComparer.Ordinal));

    public bool TryGet(string key, out object value) => Values.TryGetValue(key, out value!);

    public int GetInt(string key, int fallback) =>
        Values.TryGetValue(key, out var v) ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string key, double fallback) =>
        Values.TryGetValue(key, out var v) ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public string? GetString(string key) =>
        Values.TryGetValue(key, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool GetBool(string key, bool fallback) => Values.TryGetValue(key, out var v) ? v switch
    {
        bool b => b,
        string s => bool.Parse(s),
        _ => Convert.ToBoolean(v, System.Globalization.CultureInfo.InvariantCulture),
    } : fallback;

    public GenerationKwargs With(string key, object value) => new(Values.SetItem(key, value));
}

/// <summary>
/// One <c>generate_until</c> request (docs/LMMS-EVAL.md §1.5): the rendered context, its visuals and generation
/// settings, plus the per-document seed derived from (run seed, task, doc id) so that results do not depend on batch
/// size, order or sharding.
/// </summary>
public sealed record GenerationRequest(
    TaskName Task,
    DocId Doc,
    string Context,
    GenerationKwargs Kwargs,
    Func<IReadOnlyList<VisualInput>> Visuals,
    ulong Seed)
{
    /// <summary>
    /// How a chat backend lays the context and visuals out as message parts: the task's <c>doc_to_messages</c>, for
    /// backends that send messages rather than one rendered prompt (lmms-eval 75571cf api/task.py
    /// <c>ConfigurableMessagesTask.doc_to_messages</c>). In-process backends ignore it.
    /// </summary>
    public MessageLayout Layout { get; init; }

    /// <summary>
    /// This request's media, decoded and preprocessed ahead of the model by <see cref="IMediaPrefetch.PrepareMedia"/>
    /// (the runner starts it while earlier batches run); null: the backend prepares the media itself. A fault is the
    /// error preparing it inline would have thrown, raised when the backend takes the media.
    /// </summary>
    public Task<PreparedMedia>? Media { get; init; }
}

/// <summary>The <c>doc_to_messages</c> of a task, as far as a chat backend needs it.</summary>
public enum MessageLayout
{
    /// <summary>No <c>doc_to_messages</c>: <c>_auto_doc_to_messages</c>, every visual first, then the text.</summary>
    VisualsThenText,

    /// <summary>
    /// MMMU's <c>mmmu_doc_to_messages</c>: <c>&lt;image k&gt;</c> (k = 1..7) become <c>&lt;image&gt;</c>, the text is split
    /// there and the i-th visual follows the i-th (stripped, non-empty) segment; the stripped tail comes last.
    /// </summary>
    InterleavedAtImageTags,
}

/// <summary>A backend's decoded and preprocessed visuals for one request; opaque to the runner.</summary>
public abstract class PreparedMedia;

/// <summary>
/// A backend whose media preparation (decoding images and videos, crops, resizes, normalisation: CPU work with no
/// model state) can run on other threads ahead of the model. <see cref="PrepareMedia"/> must be thread-safe.
/// </summary>
public interface IMediaPrefetch
{
    PreparedMedia PrepareMedia(GenerationRequest request);
}

/// <summary>Token counts and work done for one response. Deterministic for a deterministic backend.</summary>
public sealed record TokenUsage(int PromptTokens, int VisualTokens, int GeneratedTokens, int ForwardPasses)
{
    public static TokenUsage None { get; } = new(0, 0, 0, 0);
}

/// <summary>A backend's answer to one request. <see cref="Elapsed"/> is wall time spent on this request.</summary>
public sealed record GenerationResult(string Text, TokenUsage Usage, TimeSpan Elapsed)
{
    /// <summary>
    /// True when the answer ended at a stop sequence or end-of-turn token, false when it filled its length
    /// (<c>gen_length</c> / <c>max_new_tokens</c>); null when the backend cannot tell (replay). <c>serve</c> reports it as
    /// OpenAI's <c>finish_reason</c> (<c>stop</c> / <c>length</c>).
    /// </summary>
    public bool? Stopped { get; init; }

    /// <summary>What a served model's API said besides the text (finish reason, reasoning, usage); null in-process.</summary>
    public ServedCompletion? Served { get; init; }

    /// <summary>
    /// Set when the request failed for good (after its retries): there is no answer, the sample is left unscored and
    /// <c>--resume</c> asks again. Never scored as a wrong answer.
    /// </summary>
    public RequestFailure? Failure { get; init; }

    /// <summary>A failed request: no text, no usage.</summary>
    public static GenerationResult Failed(RequestFailure failure, TimeSpan elapsed) => new("", TokenUsage.None, elapsed) { Failure = failure };

    /// <summary>
    /// The part of <see cref="Elapsed"/> the model spent waiting for this request's media: preparing it inline, or
    /// blocked on a prefetch that had not finished. Zero for a request without media.
    /// </summary>
    public TimeSpan MediaWait { get; init; }
}

/// <summary>
/// The API's account of one completion (OpenAI chat-completions response): <c>finish_reason</c>, the
/// <c>reasoning_content</c> reasoning servers (vLLM, SGLang, DeepSeek) return beside the content, and <c>usage</c>
/// (null when the server sent none). <see cref="Truncated"/>: the model ran out of tokens before it answered
/// (finish_reason <c>length</c>, empty content, reasoning present).
/// </summary>
public sealed record ServedCompletion(string? FinishReason, string? ReasoningContent, ServedUsage? Usage, int Attempts)
{
    public bool Truncated => FinishReason == "length" && ReasoningContent is { Length: > 0 } && string.IsNullOrEmpty(ContentText);

    /// <summary>The content as the server sent it (null when it sent null).</summary>
    public string? ContentText { get; init; }
}

/// <summary>The <c>usage</c> object: prompt and completion tokens, and reasoning tokens where the server reports them.</summary>
public sealed record ServedUsage(long PromptTokens, long CompletionTokens, long? ReasoningTokens);

/// <summary>Why a request failed after <paramref name="Attempts"/> tries (the last error, redacted, one line).</summary>
public sealed record RequestFailure(string Error, int Attempts);

/// <summary>
/// A model backend (docs/ARCHITECTURE.md §4): turns a batch of requests into responses, one per request, in order.
/// </summary>
public interface IModelBackend : IDisposable
{
    /// <summary>The <c>--model</c> name, used to pick <c>lmms_eval_specific_kwargs</c> (docs/LMMS-EVAL.md §1.3).</summary>
    string Name { get; }

    /// <summary>A stable description of the weights (e.g. a hash of config + tensor index) for the manifest.</summary>
    string Fingerprint { get; }

    /// <summary>The compute device the model runs on (console, manifest, timing.json); null when none (replay).</summary>
    ComputeDeviceInfo? Device => null;

    ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken);
}

/// <summary>
/// A compute device as its backend describes it (e.g. <c>cuda:0 NVIDIA H100 ...</c>). <paramref name="Emulated"/>: the
/// emulated CUDA device of tests/cuda-emulator, which identifies itself (<see cref="Tensors.Cuda.CudaBackend.IsEmulated"/>);
/// its kernels run on the CPU, so times measured on it are CPU emulation times, never GPU timings.
/// </summary>
public sealed record ComputeDeviceInfo(string Description, bool Emulated)
{
    /// <summary>What output says next to a time measured on an emulated device.</summary>
    public const string EmulatedTimingNote = "emulated device: CPU emulation time, not a GPU timing";

    public static ComputeDeviceInfo Of(Tensors.IComputeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return new(backend.Description, backend is Tensors.Cuda.CudaBackend { IsEmulated: true });
    }
}

/// <summary>The <c>--model-args</c> of a run, <c>k=v,k=v</c>, with typed getters.</summary>
public sealed record ModelArgs(ImmutableSortedDictionary<string, string> Values)
{
    public static ModelArgs Empty { get; } = new(ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    public string? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public override string ToString() => string.Join(",", Values.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>What a backend needs from the run besides its own arguments.</summary>
public sealed record BackendContext(string Device, int BatchSize, string RepositoryRoot);

/// <summary>Creates a backend by its <c>--model</c> name. One factory per backend, registered explicitly.</summary>
public interface IModelBackendFactory
{
    string Name { get; }

    /// <summary>One line for <c>lladav-eval --help</c> and error messages.</summary>
    string Description { get; }

    /// <summary>
    /// The <c>--model-args</c> keys this backend reads (issue 14 §2): any other key is refused before the run starts,
    /// with this list. Null: the backend does not declare them and every key is passed through.
    /// </summary>
    IReadOnlyCollection<string>? AcceptedArgs => null;

    /// <summary>
    /// True when these args name no real model (a random-weight demo checkpoint, a replay of recorded responses):
    /// only then may a task run on its embedded sample data, and only when no copy of the dataset exists
    /// (docs/ARCHITECTURE.md §3). A real checkpoint or a served model never scores the sample.
    /// </summary>
    bool MayUseSampleData(ModelArgs args) => false;

    /// <summary>
    /// The cheap checks of <see cref="Create"/> (args, a checkpoint path that exists), run before the data is located
    /// so a usage error is reported before a missing dataset and before anything loads.
    /// </summary>
    void Validate(ModelArgs args)
    {
    }

    /// <summary>
    /// The model name whose <c>lmms_eval_specific_kwargs</c> and <c>model_specific_generation_kwargs</c> the prompts use:
    /// the created backend's <see cref="IModelBackend.Name"/>, known here before anything loads.
    /// </summary>
    string PromptModel(ModelArgs args) => Name;

    /// <summary>
    /// Checks the generation settings a task will pass (type and range; a backend adds its own rules), with
    /// <see cref="Validate"/> and before anything loads. Throws <see cref="GenerationKwargsException"/>.
    /// Default: the common keys of <see cref="GenerationKwargsSchema"/>.
    /// </summary>
    void ValidateGenerationKwargs(GenerationKwargs kwargs, Func<string, string> sourceOf) =>
        GenerationKwargsSchema.Validate(kwargs, diffusion: false, sourceOf);

    IModelBackend Create(ModelArgs args, BackendContext context);
}
