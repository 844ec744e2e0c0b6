using System.Collections.Immutable;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Tasks.Hooks;

/// <summary>A <c>process_results</c> hook with the metric names it returns, so metric_list can be checked at load.</summary>
public sealed record ProcessResultsRegistration(ProcessResultsHook Hook, ImmutableArray<string> MetricNames);

/// <summary>
/// Every named hook a task YAML may refer to, by kind. Unknown names fail at load with the known alternatives
/// (issue 2 item 3), so a typo never surfaces in the middle of a run.
/// </summary>
public sealed class HookRegistry
{
    private readonly Dictionary<string, DocToVisualHook> _visual = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<TaskSpec, DocToVisualHook>> _visualFactories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DocToTextHook> _text = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DocToTargetHook> _target = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProcessDocsHook> _docs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProcessResultsRegistration> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AggregationHook> _aggregations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FilterHook> _filters = new(StringComparer.Ordinal);

    public static HookRegistry CreateDefault()
    {
        var registry = new HookRegistry();
        foreach (var family in TaskFamilies.All)
        {
            family.Register(registry);
        }

        return registry;
    }

    public void AddDocToVisual(string name, DocToVisualHook hook) => Add(_visual, name, hook);

    /// <summary>
    /// A doc_to_visual hook bound to its task at load: it reads the task's own keys (dataset_kwargs.cache_dir,
    /// dataset_path), as lmms-eval's video utils.py read their YAML file. Video tasks use it to find their files.
    /// </summary>
    public void AddDocToVisualFactory(string name, Func<TaskSpec, DocToVisualHook> factory)
    {
        if (_visual.ContainsKey(name))
        {
            throw new InvalidOperationException($"Hook '{name}' is registered twice.");
        }

        Add(_visualFactories, name, factory);
    }

    public void AddDocToText(string name, DocToTextHook hook) => Add(_text, name, hook);

    public void AddDocToTarget(string name, DocToTargetHook hook) => Add(_target, name, hook);

    public void AddProcessDocs(string name, ProcessDocsHook hook) => Add(_docs, name, hook);

    public void AddProcessResults(string name, ProcessResultsHook hook, params string[] metricNames) =>
        Add(_results, name, new ProcessResultsRegistration(hook, [.. metricNames]));

    public void AddAggregation(string name, AggregationHook hook) => Add(_aggregations, name, hook);

    public void AddFilter(string name, FilterHook hook) => Add(_filters, name, hook);

    public bool IsHookName(string value) => _visual.ContainsKey(value) || _visualFactories.ContainsKey(value) || _text.ContainsKey(value) || _target.ContainsKey(value)
        || _docs.ContainsKey(value) || _results.ContainsKey(value) || _aggregations.ContainsKey(value) || _filters.ContainsKey(value);

    public DocToVisualHook DocToVisual(string name, string file, string key) => Get(_visual, name, file, key, "doc_to_visual");

    /// <summary>The doc_to_visual hook <paramref name="name"/> for <paramref name="spec"/>: a task-bound one, else a plain one.</summary>
    public DocToVisualHook DocToVisual(string name, TaskSpec spec, string key)
    {
        if (_visualFactories.TryGetValue(name, out var factory))
        {
            return factory(spec);
        }

        if (_visual.TryGetValue(name, out var hook))
        {
            return hook;
        }

        var known = _visual.Keys.Concat(_visualFactories.Keys).Order(StringComparer.Ordinal).ToList();
        throw new ConfigException(
            $"{spec.SourceFile}: key '{key}' names the doc_to_visual hook '{name}', which is not registered. Known doc_to_visual hooks: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}.");
    }

    public DocToTextHook DocToText(string name, string file, string key) => Get(_text, name, file, key, "doc_to_text");

    public DocToTargetHook DocToTarget(string name, string file, string key) => Get(_target, name, file, key, "doc_to_target");

    public ProcessDocsHook ProcessDocs(string name, string file, string key) => Get(_docs, name, file, key, "process_docs");

    public ProcessResultsRegistration ProcessResults(string name, string file, string key) => Get(_results, name, file, key, "process_results");

    public AggregationHook Aggregation(string name, string file, string key) => Get(_aggregations, name, file, key, "aggregation");

    public FilterHook Filter(string name, string file, string key) => Get(_filters, name, file, key, "filter");

    public IReadOnlyCollection<string> AggregationNames => _aggregations.Keys;

    public IReadOnlyCollection<string> FilterNames => _filters.Keys;

    private static void Add<T>(Dictionary<string, T> map, string name, T hook)
    {
        if (!map.TryAdd(name, hook))
        {
            throw new InvalidOperationException($"Hook '{name}' is registered twice.");
        }
    }

    private static T Get<T>(Dictionary<string, T> map, string name, string file, string key, string kind)
    {
        if (map.TryGetValue(name, out var hook))
        {
            return hook;
        }

        var known = map.Keys.Order(StringComparer.Ordinal).ToList();
        throw new ConfigException(
            $"{file}: key '{key}' names the {kind} hook '{name}', which is not registered. Known {kind} hooks: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}.");
    }
}
