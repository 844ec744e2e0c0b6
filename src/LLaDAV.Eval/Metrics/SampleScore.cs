using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Metrics;

/// <summary>How an answer was read out of a response (issue 4 item 5: extraction diagnostics).</summary>
public enum ExtractionStatus
{
    /// <summary>A rule matched.</summary>
    Parsed,

    /// <summary>No rule matched and a documented fallback decided (e.g. MMMU's random choice).</summary>
    Fallback,

    /// <summary>Nothing could be read; scored as wrong.</summary>
    Unparseable,

    /// <summary>An LLM judge decided.</summary>
    Judge,

    /// <summary>
    /// The configured judge failed: the sample is unscored (left out of aggregates, never counted wrong), its task
    /// is marked incomplete, and <c>--resume</c> re-scores it (<see cref="RecordStatus"/>, issue 14 §3).
    /// </summary>
    JudgeFailed,

    /// <summary>
    /// The served model's request failed after its retries: there is no answer, so the sample is unscored (never
    /// counted wrong, as lmms-eval's "[LMMS_EVAL_REQUEST_FAILED ...]" answer is), its task is marked incomplete, and
    /// <c>--resume</c> sends the request again (<see cref="RecordStatus"/>).
    /// </summary>
    RequestFailed,

    /// <summary>The sample was not scored (e.g. missing media with --skip-missing-media).</summary>
    Skipped,
}

/// <summary>The rule that produced a sample's answer, e.g. <c>mmmu.parse_multi_choice_response</c>.</summary>
public sealed record Extraction(string Rule, ExtractionStatus Status, string? Answer = null)
{
    public static Extraction Direct(string rule, string? answer) => new(rule, ExtractionStatus.Parsed, answer);

    /// <summary>
    /// The <see cref="UpstreamQuirk"/> id when lmms-eval's own rule decided this sample so that no answer could
    /// score as correct (issue 17 §3); null otherwise. Counted per task into results.json.
    /// </summary>
    public string? Quirk { get; init; }
}

/// <summary>
/// What <c>process_results</c> returned for one sample: metric name → JSON value, in the order the task wrote
/// them (kept for byte-stable samples files), plus how the answer was extracted.
/// </summary>
public sealed record SampleScore(ImmutableArray<KeyValuePair<string, JsonNode?>> Metrics, Extraction Extraction)
{
    public static SampleScore Of(Extraction extraction, params (string Name, JsonNode? Value)[] metrics) =>
        new([.. metrics.Select(m => KeyValuePair.Create(m.Name, m.Value))], extraction);

    public JsonNode? Get(string metric) => Metrics.FirstOrDefault(m => m.Key == metric).Value;
}
