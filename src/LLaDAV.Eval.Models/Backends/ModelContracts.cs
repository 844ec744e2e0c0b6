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
/// <c>--gen-kwargs</c> were merged (LMMS-EVAL.md §1.2). Values are kept as their YAML/CLI scalars (string, long,
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
/// One <c>generate_until</c> request (LMMS-EVAL.md §1.5): the rendered context, its visuals and generation
/// settings, plus the per-document seed derived from (run seed, task, doc id) so that results do not depend on batch
/// size, order or sharding.
/// </summary>
public sealed record GenerationRequest(
    TaskName Task,
    DocId Doc,
    string Context,
    GenerationKwargs Kwargs,
    Func<IReadOnlyList<VisualInput>> Visuals,
    ulong Seed);

/// <summary>Token counts and work done for one response. Deterministic for a deterministic backend.</summary>
public sealed record TokenUsage(int PromptTokens, int VisualTokens, int GeneratedTokens, int ForwardPasses)
{
    public static TokenUsage None { get; } = new(0, 0, 0, 0);
}

/// <summary>A backend's answer to one request. <see cref="Elapsed"/> is wall time spent on this request.</summary>
public sealed record GenerationResult(string Text, TokenUsage Usage, TimeSpan Elapsed);

/// <summary>
/// A model backend (DESIGN.md §4): turns a batch of requests into responses, one per request, in order.
/// </summary>
public interface IModelBackend : IDisposable
{
    /// <summary>The <c>--model</c> name, used to pick <c>lmms_eval_specific_kwargs</c> (LMMS-EVAL.md §1.3).</summary>
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
    /// (docs/DESIGN.md §3). A real checkpoint or a served model never scores the sample.
    /// </summary>
    bool MayUseSampleData(ModelArgs args) => false;

    /// <summary>
    /// The cheap checks of <see cref="Create"/> (args, a checkpoint path that exists), run before the data is located
    /// so a usage error is reported before a missing dataset and before anything loads.
    /// </summary>
    void Validate(ModelArgs args)
    {
    }

    IModelBackend Create(ModelArgs args, BackendContext context);
}
