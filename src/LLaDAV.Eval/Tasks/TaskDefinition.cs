using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks;

/// <summary>A filter ensemble with its steps resolved to functions.</summary>
public sealed record ResolvedFilter(string Name, ImmutableArray<(FilterHook Hook, IReadOnlyDictionary<string, object?> Args)> Steps)
{
    public string Apply(string response, Doc doc)
    {
        foreach (var (hook, args) in Steps)
        {
            response = hook(response, doc, args);
        }

        return response;
    }
}

/// <summary>
/// A task with every hook, column and template reference resolved (docs/LMMS-EVAL.md §1.2 resolution rules): what the
/// runner executes. Built once per run; fails at load for anything unknown.
/// </summary>
public sealed partial class TaskDefinition
{
    private TaskDefinition(TaskSpec spec) => Spec = spec;

    public TaskSpec Spec { get; }

    public string Name => Spec.Name;

    public required DocToVisualHook DocToVisual { get; init; }

    public required DocToTextHook DocToText { get; init; }

    public required DocToTargetHook DocToTarget { get; init; }

    public ProcessDocsHook? ProcessDocs { get; init; }

    /// <summary>How a chat backend lays out this task's messages (its <c>doc_to_messages</c>).</summary>
    public Models.Backends.MessageLayout MessageLayout { get; init; }

    /// <summary>
    /// The <c>doc_to_messages</c> hooks of lmms-eval 75571cf that our tasks name, by the layout they produce from
    /// doc_to_text and doc_to_visual: <c>tasks/mmmu/utils.py</c> <c>mmmu_doc_to_messages</c> (interleaved at the
    /// <c>&lt;image k&gt;</c> tags). Tasks without one get <c>_auto_doc_to_messages</c> (visuals, then text).
    /// </summary>
    public static IReadOnlyDictionary<string, Models.Backends.MessageLayout> MessageLayouts { get; } =
        new Dictionary<string, Models.Backends.MessageLayout>(StringComparer.Ordinal)
        {
            ["mmmu.doc_to_messages"] = Models.Backends.MessageLayout.InterleavedAtImageTags,
        };

    /// <summary>The task's process_results, or the built-in metric functions of its metric_list.</summary>
    public required ProcessResultsHook ProcessResults { get; init; }

    public required ImmutableArray<ResolvedFilter> Filters { get; init; }

    /// <summary>Aggregation per metric name; null = built-in mean (with stderr).</summary>
    public required ImmutableDictionary<string, AggregationHook?> Aggregations { get; init; }

    public static TaskDefinition Resolve(TaskSpec spec, HookRegistry hooks)
    {
        var file = spec.SourceFile;
        DocToVisualHook visual;
        if (hooks.IsHookName(spec.DocToVisual))
        {
            visual = hooks.DocToVisual(spec.DocToVisual, spec, "doc_to_visual");
        }
        else
        {
            // A column name: [doc[col]] (docs/LMMS-EVAL.md §1.2).
            var col = Column(spec.DocToVisual, file, "doc_to_visual");
            visual = (doc, _) => [ImageRef.FromColumn(doc, col)];
        }

        DocToTextHook text = hooks.IsHookName(spec.DocToText)
            ? hooks.DocToText(spec.DocToText, file, "doc_to_text")
            : TextOf(spec.DocToText, file, "doc_to_text");
        DocToTargetHook target = hooks.IsHookName(spec.DocToTarget)
            ? hooks.DocToTarget(spec.DocToTarget, file, "doc_to_target")
            : TargetOf(spec.DocToTarget, file);

        ProcessResultsHook process;
        ImmutableArray<string> produced;
        if (spec.ProcessResults is { } pr)
        {
            var reg = hooks.ProcessResults(pr, file, "process_results");
            process = reg.Hook;
            produced = reg.MetricNames;
        }
        else
        {
            foreach (var m in spec.Metrics.Where(m => !BuiltinMetrics.Names.Contains(m.Name)))
            {
                throw new ConfigException($"{file}: metric '{m.Name}' is not a built-in metric ({string.Join(", ", BuiltinMetrics.Names)}) and the task has no process_results hook that returns it.");
            }

            process = BuiltinProcess(spec.Metrics, target);
            produced = [.. spec.Metrics.Select(m => m.Name)];
        }

        var aggregations = ImmutableDictionary.CreateBuilder<string, AggregationHook?>(StringComparer.Ordinal);
        foreach (var metric in spec.Metrics)
        {
            if (!produced.Contains(metric.Name))
            {
                throw new ConfigException($"{file}: metric_list names '{metric.Name}', but {spec.ProcessResults ?? "the built-in metrics"} returns only: {string.Join(", ", produced)}.");
            }

            aggregations[metric.Name] = metric.Aggregation == "mean" ? null : hooks.Aggregation(metric.Aggregation, file, $"metric_list[{metric.Name}].aggregation");
        }

        var filters = spec.Filters.Select(f => new ResolvedFilter(
            f.Name,
            [.. f.Steps.Select(s => (RowGuard.Wrap(hooks.Filter(s.Function, file, $"filter_list[{f.Name}].function"), spec, $"filter {s.Function}"), (IReadOnlyDictionary<string, object?>)s.Args))])).ToImmutableArray();

        // Every hook that reads a row fails on a row of another shape as a data error naming the file and the column.
        return new TaskDefinition(spec)
        {
            DocToVisual = RowGuard.Wrap(visual, spec, "doc_to_visual"),
            DocToText = RowGuard.Wrap(text, spec, "doc_to_text"),
            DocToTarget = RowGuard.Wrap(target, spec, "doc_to_target"),
            ProcessDocs = spec.ProcessDocs is { } pd ? hooks.ProcessDocs(pd, file, "process_docs") : null,
            MessageLayout = spec.DocToMessages is null ? Models.Backends.MessageLayout.VisualsThenText
                : MessageLayouts.TryGetValue(spec.DocToMessages, out var layout) ? layout
                : throw new ConfigException($"{file}: doc_to_messages '{spec.DocToMessages}' is not a known hook. Known: {string.Join(", ", MessageLayouts.Keys)}."),
            ProcessResults = RowGuard.Wrap(process, spec, "process_results"),
            Filters = filters,
            Aggregations = aggregations.ToImmutable(),
        };
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();

    private static string Column(string value, string file, string key) => Identifier().IsMatch(value)
        ? value
        : throw new ConfigException($"{file}: '{key}: {value}' is neither a registered hook nor a column name.");

    /// <summary>A column name → the column; a <c>{{col}}</c> template → rendered (the Jinja subset task files use).</summary>
    private static DocToTextHook TextOf(string value, string file, string key)
    {
        if (value.Contains("{{", StringComparison.Ordinal))
        {
            var rest = Placeholder().Replace(value, "");
            if (rest.Contains("{{", StringComparison.Ordinal) || rest.Contains("{%", StringComparison.Ordinal))
            {
                throw new ConfigException($"{file}: '{key}' uses Jinja beyond {{{{column}}}} placeholders; write a C# hook for it.");
            }

            return (doc, _) => Placeholder().Replace(value, m => doc.RequireString(m.Groups[1].Value));
        }

        var column = Column(value, file, key);
        return (doc, _) => doc.RequireString(column);
    }

    private static DocToTargetHook TargetOf(string value, string file)
    {
        var text = TextOf(value, file, "doc_to_target");
        if (Identifier().IsMatch(value))
        {
            // A list-valued column (DocVQA 'answers') is a multi-reference target (docs/LMMS-EVAL.md §1.2).
            // A null column is a test split without answers (DocVQA/InfoVQA test): lmms-eval's target is None then.
            return doc => doc[value] switch
            {
                IReadOnlyList<object?> list => list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList(),
                null => "",
                _ => text(doc, PromptKwargs.Empty),
            };
        }

        return doc => text(doc, PromptKwargs.Empty);
    }

    private static ProcessResultsHook BuiltinProcess(ImmutableArray<MetricSpec> metrics, DocToTargetHook target) => (doc, response, _) =>
    {
        var gold = target(doc);
        var golds = gold as IReadOnlyList<string> ?? [(string)gold];
        var values = metrics.Select(m => (m.Name, (System.Text.Json.Nodes.JsonNode?)(m.Name switch
        {
            "anls" => BuiltinMetrics.Anls(response, golds),

            // multiple_target: each gold scored separately, 1.0 if any matches (docs/LMMS-EVAL.md §1.2).
            _ => golds.Any(g => BuiltinMetrics.ExactMatch(response, g, m.Args) > 0) ? 1.0 : 0.0,
        }))).ToArray();
        return SampleScore.Of(Extraction.Direct("builtin." + string.Join("+", metrics.Select(m => m.Name)), response), values);
    };
}
