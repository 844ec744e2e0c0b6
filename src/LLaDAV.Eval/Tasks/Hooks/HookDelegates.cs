using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;

namespace LLaDAV.Eval.Tasks.Hooks;

/// <summary>
/// The resolved <c>lmms_eval_specific_kwargs</c> a hook receives (docs/LMMS-EVAL.md §1.3): <c>pre_prompt</c>,
/// <c>post_prompt</c> and any task-specific keys.
/// </summary>
public sealed record PromptKwargs(ImmutableSortedDictionary<string, object?> Values)
{
    public static PromptKwargs Empty { get; } = new(ImmutableSortedDictionary<string, object?>.Empty);

    /// <summary>The value as text; a missing key gives <paramref name="fallback"/> (lmms-eval's <c>.get(k, "")</c>).</summary>
    public string GetString(string key, string fallback = "") =>
        Values.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)! : fallback;

    public bool Has(string key) => Values.ContainsKey(key);
}

/// <summary>Which revision of lmms-eval's answer-extraction rules scores a run (issue 4 item 3).</summary>
public enum ScoringRules
{
    /// <summary>lmms-eval HEAD (75571cf): MMStar/RealWorldQA/MLVU/VideoMME use the shared extract_mcq_answer.</summary>
    Current,

    /// <summary>lmms-eval before 2026-04-11 (commit 9ca4445d): the per-task extractors the LLaDA-V paper was scored with.</summary>
    Legacy2025,
}

/// <summary>What <c>process_results</c> may use besides the doc and the response.</summary>
public sealed record ScoringContext(string Task, int DocId, ulong DocSeed, ScoringRules Rules, IAnswerJudge? Judge)
{
    /// <summary>
    /// The run's resolved <c>lmms_eval_specific_kwargs</c> (the same <see cref="PromptKwargs"/> doc_to_text got), so a
    /// task whose prompt asks for a different answer format per model can score that format (the LLaDA-V authors'
    /// DocVQA/InfoVQA "Answer: X" prompt, docs/LLADAV-MODEL.md §7.3). The runner sets it; empty = the default format.
    /// </summary>
    public PromptKwargs Kwargs { get; init; } = PromptKwargs.Empty;
}

/// <summary>An optional LLM judge (issue 4 item 4). Failures are reported, never turned into a silent fallback.</summary>
public interface IAnswerJudge
{
    string Model { get; }

    /// <summary>Sends one chat prompt; returns the judge's text. Throws <see cref="JudgeException"/> on failure.</summary>
    string Complete(string prompt, CancellationToken cancellationToken);
}

/// <summary>The configured judge could not answer.</summary>
public sealed class JudgeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What an aggregation hook gets besides the per-sample values.</summary>
public sealed record AggregationContext(string Task, string Metric);

public delegate IReadOnlyList<VisualRef> DocToVisualHook(Doc doc, PromptKwargs kwargs);

public delegate string DocToTextHook(Doc doc, PromptKwargs kwargs);

/// <summary>The gold answer: a string, or a list of strings for multi-reference tasks (DocVQA <c>answers</c>).</summary>
public delegate object DocToTargetHook(Doc doc);

public delegate IEnumerable<Doc> ProcessDocsHook(IEnumerable<Doc> docs);

/// <summary><c>process_results(doc, results)</c> for a <c>generate_until</c> task: one response per doc.</summary>
public delegate SampleScore ProcessResultsHook(Doc doc, string response, ScoringContext context);

/// <summary>
/// An aggregation's answer: the task-level number (null = none, as MathVista's at 0 samples) and, optionally, the
/// roll-ups lmms-eval only prints (MMMU subjects and domains), kept in results.json under our own key.
/// </summary>
public sealed record AggregationResult(double? Value, ImmutableArray<KeyValuePair<string, double>> Breakdown)
{
    public static AggregationResult Of(double? value) => new(value, []);

    /// <summary>
    /// A benchmark submission file (test splits without answers): written next to results.json, as lmms-eval's
    /// <c>generate_submission_file</c> writes it under <c>{output_path}/submissions/</c>; null = none.
    /// </summary>
    public SubmissionFile? Submission { get; init; }
}

/// <summary>A submission file an aggregation produced: its file name, exact bytes, and where the benchmark takes it.</summary>
public sealed record SubmissionFile(string FileName, byte[] Content, string UploadTo);

/// <summary>An aggregation: per-sample values (as written by process_results) → the task-level result.</summary>
public delegate AggregationResult AggregationHook(IReadOnlyList<JsonNode?> items, AggregationContext context);

/// <summary>One filter step applied to a response (lmms-eval <c>filters/*</c>); gets the step's YAML arguments.</summary>
public delegate string FilterHook(string response, Doc doc, IReadOnlyDictionary<string, object?> args);
