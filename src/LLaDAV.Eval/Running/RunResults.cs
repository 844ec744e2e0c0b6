using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// The typed results of a run, built once by <see cref="ResultsWriter"/> from the journals: what both our
/// <c>results.json</c>/<c>samples_&lt;task&gt;.jsonl</c> and lmms-eval's <c>&lt;date&gt;_results.json</c>/<c>&lt;date&gt;_samples_&lt;task&gt;.jsonl</c>
/// (<see cref="LmmsEval.LmmsEvalFiles"/>) are written from, so the two can never disagree on a score.
/// </summary>
public sealed record RunResults(ImmutableArray<TaskResult> Tasks);

/// <summary>One task: its spec, one entry per (metric, filter) aggregated, and its samples sorted by doc id.</summary>
public sealed record TaskResult(TaskDefinition Task, ImmutableArray<MetricResult> Metrics, ImmutableArray<SampleRecord> Samples, int Docs)
{
    public string Name => Task.Name;
}

/// <summary>
/// One aggregated (metric, filter): the value and stderr we report, and the per-sample values it was aggregated from
/// (lmms-eval's <c>TaskOutput.sample_metrics[(metric, filter)]</c>), which its CLT and clustered stderrs need.
/// </summary>
public sealed record MetricResult(string Metric, string Filter, JsonNode? Value, JsonNode? Stderr, ImmutableArray<JsonNode?> Items, ImmutableArray<JsonNode?> ClusterIds)
{
    public string Key => $"{Metric},{Filter}";

    public string StderrKey => $"{Metric}_stderr,{Filter}";
}

/// <summary>
/// One journaled sample line (one doc under one filter). <see cref="Line"/> is our samples line as journaled;
/// the typed accessors are what lmms-eval's logged sample is built from (evaluator.py <c>evaluate</c>).
/// </summary>
public sealed record SampleRecord(JsonObject Line, JsonNode? Usage)
{
    public int DocId => (int)Line["doc_id"]!;

    public string Filter => (string)Line["filter"]!;

    public string DocHash => (string?)Line["doc_hash"] ?? "";

    public JsonNode? Target => Line["target"];

    public JsonNode? Input => Line["input"];

    public JsonNode? Resps => Line["resps"];

    public JsonNode? FilteredResps => Line["filtered_resps"];

    /// <summary>The keys our scorer adds around what <c>process_results</c> returned (SampleScorer, task families).</summary>
    public static readonly IReadOnlySet<string> OwnKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "doc_id", "filter", "doc_hash", "target", "input", "input_media", "resps", "filtered_resps", "extraction", "judge_error", "token_counts",
    };

    /// <summary>The keys <c>process_results</c> returned, in their order (the line minus our own bookkeeping keys).</summary>
    public IEnumerable<string> ProcessResultKeys => Line.Select(kv => kv.Key).Where(k => !OwnKeys.Contains(k));
}
