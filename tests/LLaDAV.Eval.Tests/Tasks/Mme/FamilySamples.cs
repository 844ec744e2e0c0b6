using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks;

/// <summary>
/// The embedded samples of the task families of issue 4 (part A), scored the way the runner will: docs from the
/// sample split, responses from <c>sample/responses.jsonl</c>, <c>process_results</c> per doc, then each metric's
/// aggregation over the values it returned.
/// </summary>
internal static class FamilySamples
{
    private static readonly Lazy<TaskCatalog> s_catalog = new(() => TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault()));

    public static TaskCatalog Catalog => s_catalog.Value;

    public static TaskDefinition Task(string name) => Catalog.Tasks[name];

    public static IReadOnlyList<Doc> Docs(string task)
    {
        var spec = Task(task).Spec;
        var location = new DatasetLocator(null, null, DatasetReaders.All).Locate(spec);
        Assert.Equal(DatasetSource.Sample, location.Source);
        var docs = new List<Doc>();
        foreach (var file in location.Files)
        {
            docs.AddRange(DatasetReaders.All.First(r => r.CanRead(file)).Read(file, null, CancellationToken.None).Select(row => new Doc(row, Path.GetDirectoryName(file)!, file, MediaPath.DatasetRoot(location.Root, spec.DatasetPath))));
        }

        return docs;
    }

    public static IReadOnlyList<string> Responses(string task)
    {
        var file = Path.Combine(Task(task).Spec.Directory, "sample", "responses.jsonl");
        return [.. File.ReadLines(file)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => (string)o["task"]! == task)
            .OrderBy(o => (int)o["doc_id"]!)
            .Select(o => (string)o["response"]!)];
    }

    public static string Prompt(string task, int docId, string model = "replay")
    {
        var def = Task(task);
        return def.DocToText(Docs(task)[docId], PromptKwargsResolver.Resolve(def.Spec.SpecificKwargs, model));
    }

    /// <summary>Every doc scored; responses are stripped first, as lmms-eval's evaluator does.</summary>
    public static IReadOnlyList<SampleScore> ScoreAll(string task, IAnswerJudge? judge = null, ScoringRules rules = ScoringRules.Current)
    {
        var def = Task(task);
        var docs = Docs(task);
        var responses = Responses(task);
        Assert.Equal(docs.Count, responses.Count);
        return [.. docs.Select((doc, i) => def.ProcessResults(doc, responses[i].Trim(), new ScoringContext(task, i, DocRandom.DocSeed(0, task, i), rules, judge)))];
    }

    /// <summary>metric → aggregated value over the samples that returned the metric (lmms-eval collects it that way).</summary>
    public static ImmutableDictionary<string, AggregationResult> Aggregate(string task, IReadOnlyList<SampleScore> scores)
    {
        var def = Task(task);
        var result = ImmutableDictionary.CreateBuilder<string, AggregationResult>();
        foreach (var (metric, hook) in def.Aggregations)
        {
            var items = scores.Where(s => s.Metrics.Any(m => m.Key == metric)).Select(s => s.Get(metric)).ToList();
            result[metric] = hook is null ? AggregationResult.Of(Aggregations.Mean(items).Value) : hook(items, new AggregationContext(task, metric));
        }

        return result.ToImmutable();
    }

    public static ScoringContext Context(string task = "t", int docId = 0, IAnswerJudge? judge = null) =>
        new(task, docId, DocRandom.DocSeed(0, task, docId), ScoringRules.Current, judge);

    public static Doc Row(string json) =>
        new(JsonLinesReader.Convert(JsonDocument.Parse(json).RootElement) as IReadOnlyDictionary<string, object?> ?? throw new ArgumentException("not an object"), "/nonexistent", "test.jsonl");
}
