using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks;

/// <summary>
/// The repository's task catalog and each task's embedded sample, read and scored the way a run reads and scores
/// them: the split is located without --data-dir or a hub cache (tasks/&lt;family&gt;/sample/), documents come from
/// <see cref="TaskDocuments"/> (the runner's reader), responses from <c>sample/responses.jsonl</c>, each stripped as
/// lmms-eval's evaluator does before <c>process_results</c> (docs/LMMS-EVAL.md), and each metric is aggregated over
/// the samples that returned it.
/// </summary>
internal static class TaskSamples
{
    private static readonly Lazy<TaskCatalog> s_catalog = new(() => TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault()));

    public static TaskCatalog Catalog => s_catalog.Value;

    public static TaskDefinition Task(string name) => Catalog.Tasks[name];

    public static IReadOnlyList<Doc> Docs(string task) => Docs(Task(task));

    public static IReadOnlyList<Doc> Docs(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var location = new DatasetLocator(null, null, DatasetReaders.All).Locate(task.Spec);
        Assert.Equal(DatasetSource.Sample, location.Source);
        return [.. new TaskDocuments(DatasetReaders.All).Read(task, location, CancellationToken.None).Select(d => d.Doc)];
    }

    /// <summary>doc_id → response from the task's <c>sample/responses.jsonl</c>.</summary>
    public static IReadOnlyDictionary<int, string> Responses(string task)
    {
        var file = Path.Combine(Task(task).Spec.Directory, "sample", "responses.jsonl");
        var result = new Dictionary<int, string>();
        foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
        {
            var o = JsonNode.Parse(line)!.AsObject();
            if ((string)o["task"]! == task)
            {
                result[(int)o["doc_id"]!] = (string)o["response"]!;
            }
        }

        return result;
    }

    /// <summary>The task's <c>lmms_eval_specific_kwargs</c> for <paramref name="model"/> (its own block, else "default").</summary>
    public static PromptKwargs Kwargs(string task, string model = "replay") =>
        PromptKwargsResolver.Resolve(Task(task).Spec.SpecificKwargs, model);

    public static string Prompt(string task, int docId, string model = "replay") =>
        Task(task).DocToText(Docs(task)[docId], Kwargs(task, model));

    /// <summary>Every doc scored with its sample response, stripped first (Python's <c>str.strip</c>, as the runner does).</summary>
    public static IReadOnlyList<SampleScore> ScoreAll(string task, IAnswerJudge? judge = null, ScoringRules rules = ScoringRules.Current)
    {
        var def = Task(task);
        var docs = Docs(def);
        var responses = Responses(task);
        Assert.Equal(docs.Count, responses.Count);
        return [.. docs.Select((doc, i) => def.ProcessResults(doc, PyStr.Strip(responses[i]), new ScoringContext(task, i, DocRandom.DocSeed(0, task, i), rules, judge)))];
    }

    /// <summary>
    /// Every doc scored under every filter ensemble, doc by doc and within a doc in the YAML's filter order, as
    /// lmms-eval's evaluator scores it (docs/LMMS-EVAL.md §1.6 steps 7, 8): the filter reads the raw sample response,
    /// what it returns is stripped, and <c>process_results</c> sees it with <paramref name="model"/>'s prompt kwargs.
    /// </summary>
    public static IReadOnlyList<(string Filter, SampleScore Score)> ScoreFiltered(string task, string model = "replay", ScoringRules rules = ScoringRules.Current)
    {
        var def = Task(task);
        var docs = Docs(def);
        var responses = Responses(task);
        Assert.Equal(docs.Count, responses.Count);
        var kwargs = Kwargs(task, model);
        return [.. docs.SelectMany((doc, i) => def.Filters.Select(filter => (filter.Name, def.ProcessResults(
            doc,
            PyStr.Strip(filter.Apply(responses[i], doc)),
            new ScoringContext(task, i, DocRandom.DocSeed(0, task, i), rules, null) { Kwargs = kwargs }))))];
    }

    /// <summary>
    /// The aggregated "<paramref name="metric"/>,<paramref name="filter"/>" of <paramref name="task"/>'s whole
    /// sample (lmms-eval names a result by metric and filter), scored as <see cref="ScoreFiltered"/> scores it.
    /// </summary>
    public static AggregationResult Aggregate(string task, string metric, string filter, string model = "replay", ScoringRules rules = ScoringRules.Current) =>
        Aggregate(task, [.. ScoreFiltered(task, model, rules).Where(s => s.Filter == filter).Select(s => s.Score)])[metric];

    /// <summary>metric → aggregated value over the samples that returned the metric (lmms-eval collects it that way).</summary>
    public static ImmutableDictionary<string, AggregationResult> Aggregate(string task, IReadOnlyList<SampleScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var def = Task(task);
        var result = ImmutableDictionary.CreateBuilder<string, AggregationResult>();
        foreach (var (metric, hook) in def.Aggregations)
        {
            var items = scores.Where(s => s.Metrics.Any(m => m.Key == metric)).Select(s => s.Get(metric)).ToList();
            result[metric] = hook is null ? AggregationResult.Of(Aggregations.Mean(items).Value) : hook(items, new AggregationContext(task, metric));
        }

        return result.ToImmutable();
    }

    /// <summary><paramref name="metric"/> of <paramref name="task"/>'s whole sample, scored under <paramref name="rules"/>.</summary>
    public static AggregationResult Aggregate(string task, string metric, ScoringRules rules) =>
        Aggregate(task, ScoreAll(task, rules: rules))[metric];

    public static ScoringContext Context(string task = "t", int docId = 0, IAnswerJudge? judge = null) =>
        new(task, docId, DocRandom.DocSeed(0, task, docId), ScoringRules.Current, judge);

    public static Doc Row(string json) =>
        new(JsonLinesReader.Convert(JsonDocument.Parse(json).RootElement) as IReadOnlyDictionary<string, object?> ?? throw new ArgumentException("not an object"), "/nonexistent", "test.jsonl");
}
