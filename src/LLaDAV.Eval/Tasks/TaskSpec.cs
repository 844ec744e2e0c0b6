using System.Collections.Immutable;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// One <c>metric_list</c> entry (docs/LMMS-EVAL.md §1.2): the metric key <c>process_results</c> returns, how its
/// per-sample values are aggregated (<c>mean</c> or a named hook) and which direction is better.
/// </summary>
public sealed record MetricSpec(string Name, string Aggregation, bool HigherIsBetter)
{
    /// <summary>Extra keys of the entry, passed to a built-in metric function (e.g. exact_match's ignore_case).</summary>
    public ImmutableSortedDictionary<string, object?> Args { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;
}

/// <summary>One step of a <c>filter_list</c> ensemble: a function name and its keyword arguments.</summary>
public sealed record FilterStep(string Function, ImmutableSortedDictionary<string, object?> Args);

/// <summary>A named filter ensemble; its name is the <c>,&lt;filter&gt;</c> suffix of metric keys.</summary>
public sealed record FilterSpec(string Name, ImmutableArray<FilterStep> Steps)
{
    /// <summary>lmms-eval's default ensemble: <c>none</c> = take_first.</summary>
    public static FilterSpec None { get; } = new("none", [new FilterStep("take_first", ImmutableSortedDictionary<string, object?>.Empty)]);
}

/// <summary>
/// A task as its YAML file (after <c>include</c>s) defines it, with lmms-eval's key names and meanings
/// (docs/LMMS-EVAL.md §1.2). Hook-valued fields hold the hook name (e.g. <c>mmmu.doc_to_text</c>), a column name or a
/// <c>{{column}}</c> template; <see cref="TaskDefinition"/> resolves them.
/// </summary>
public sealed record TaskSpec
{
    public required string Name { get; init; }

    public required string SourceFile { get; init; }

    public string? Alias { get; init; }

    public ImmutableArray<string> Tags { get; init; } = [];

    public required string DatasetPath { get; init; }

    public string? DatasetName { get; init; }

    public ImmutableSortedDictionary<string, object?> DatasetKwargs { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    public required string Split { get; init; }

    public string OutputType { get; init; } = "generate_until";

    public string? ProcessDocs { get; init; }

    public required string DocToVisual { get; init; }

    public required string DocToText { get; init; }

    public required string DocToTarget { get; init; }

    public string? DocToChoice { get; init; }

    /// <summary>The chat path's <c>doc_to_messages</c> hook (lmms-eval's chat models only), or null: visuals, then text.</summary>
    public string? DocToMessages { get; init; }

    public string? ProcessResults { get; init; }

    public ImmutableArray<MetricSpec> Metrics { get; init; } = [];

    public ImmutableArray<FilterSpec> Filters { get; init; } = [FilterSpec.None];

    /// <summary>The YAML <c>generation_kwargs</c> after lmms-eval's defaults (until ["\n\n"], do_sample false).</summary>
    public ImmutableSortedDictionary<string, object?> GenerationKwargs { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    /// <summary><c>lmms_eval_specific_kwargs</c> as written: keys are model names, <c>default</c> or <c>dataset</c>.</summary>
    public ImmutableSortedDictionary<string, object?> SpecificKwargs { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    public ImmutableSortedDictionary<string, object?> ModelSpecificGenerationKwargs { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    /// <summary><c>reasoning_tags</c>: null = the run's default; an empty list = "none" (no stripping).</summary>
    public ImmutableArray<(string Open, string Close)>? ReasoningTags { get; init; }

    public ImmutableSortedDictionary<string, object?> Metadata { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    /// <summary>
    /// The YAML wrote <c>metadata</c> as a list (<c>- version: 0.0</c>): lmms-eval then keeps the class VERSION
    /// "Yaml" (api/task.py <c>ConfigurableTask.__init__</c> reads the version only from a dict).
    /// </summary>
    public bool MetadataIsList { get; init; }

    /// <summary><c>cluster_key</c>: the per-sample field grouping non-independent samples (evaluator_utils.py <c>calculate_clt_aggregate_metric</c>).</summary>
    public string? ClusterKey { get; init; }

    /// <summary><c>score_key</c> (default <c>score</c>): the field of a dict-valued per-sample metric holding its score.</summary>
    public string ScoreKey { get; init; } = "score";

    /// <summary><c>metadata.version</c>, lmms-eval's task VERSION (results.json <c>versions</c>).</summary>
    public string Version => Metadata.TryGetValue("version", out var v) && v is not null
        ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!
        : "0";

    /// <summary>The task's folder: where its <c>sample/</c> data lives.</summary>
    public string Directory => Path.GetDirectoryName(SourceFile)!;
}

/// <summary>A group of tasks (a group YAML with <c>group</c> + <c>task</c> list, or a <c>tag</c>).</summary>
public sealed record TaskGroup(string Name, ImmutableArray<string> Members, string SourceFile, bool IsTag);
