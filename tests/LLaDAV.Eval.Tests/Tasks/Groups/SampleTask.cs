using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tasks.Yaml;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks;

/// <summary>
/// One task YAML of tasks/ resolved on its own (so a group naming a task another branch adds cannot break it), its
/// embedded sample docs and sample/responses.jsonl, and lmms-eval's scoring loop over them (filters → strip →
/// process_results → aggregation; docs/LMMS-EVAL.md §1.6 steps 7, 8, 11) for golden tests until the runner lands.
/// </summary>
internal sealed class SampleTask
{
    private static readonly HookRegistry s_hooks = HookRegistry.CreateDefault();

    private SampleTask(TaskDefinition task, IReadOnlyList<Doc> docs, IReadOnlyList<string> responses)
    {
        Task = task;
        Docs = docs;
        Responses = responses;
    }

    public TaskDefinition Task { get; }

    public TaskSpec Spec => Task.Spec;

    public IReadOnlyList<Doc> Docs { get; }

    public IReadOnlyList<string> Responses { get; }

    /// <summary>Loads tasks/<paramref name="family"/>/<paramref name="yaml"/> and its sample.</summary>
    public static SampleTask Load(string family, string yaml)
    {
        var file = Path.Combine(TestPaths.RepoRoot, "tasks", family, yaml);
        var spec = TaskYamlLoader.ToSpec(TaskYamlLoader.LoadResolved(file), file);
        var task = TaskDefinition.Resolve(spec, s_hooks);
        var location = new DatasetLocator(null, null, DatasetReaders.All).Locate(spec);
        Assert.Equal(DatasetSource.Sample, location.Source);
        var docs = location.Files
            .SelectMany(f => DatasetReaders.All.First(r => r.CanRead(f)).Read(f, null, CancellationToken.None).Select(row => new Doc(row, Path.GetDirectoryName(f)!, f)))
            .ToList();
        var responses = new string[docs.Count];
        foreach (var line in File.ReadLines(Path.Combine(TestPaths.RepoRoot, "tasks", family, "sample", "responses.jsonl")))
        {
            var node = JsonNode.Parse(line)!;
            if ((string)node["task"]! != spec.Name)
            {
                continue; // a family's responses.jsonl holds every task of the folder (docvqa_val and docvqa_test)
            }

            responses[(int)node["doc_id"]!] = (string)node["response"]!;
        }

        Assert.All(responses, r => Assert.NotNull(r));
        return new SampleTask(task, docs, responses);
    }

    public PromptKwargs Kwargs(string model) => PromptKwargsResolver.Resolve(Spec.SpecificKwargs, model);

    public string Prompt(int docId, string model = "default") => Task.DocToText(Docs[docId], Kwargs(model));

    public ScoringContext Context(int docId, string model = "default", ScoringRules rules = ScoringRules.Current) =>
        new(Spec.Name, docId, 0, rules, null) { Kwargs = Kwargs(model) };

    /// <summary>Every doc's score under every filter ensemble: key "metric,filter" order as lmms-eval names it.</summary>
    public IReadOnlyList<(string Filter, SampleScore Score)> ScoreAll(string model = "default", ScoringRules rules = ScoringRules.Current, IReadOnlyList<string>? responses = null)
    {
        var result = new List<(string, SampleScore)>();
        for (var i = 0; i < Docs.Count; i++)
        {
            foreach (var filter in Task.Filters)
            {
                // The evaluator strips each filtered response before process_results (§1.6 step 8).
                var filtered = LLaDAV.Eval.Tasks.Common.PyStr.Strip(filter.Apply((responses ?? Responses)[i], Docs[i]));
                result.Add((filter.Name, Task.ProcessResults(Docs[i], filtered, Context(i, model, rules))));
            }
        }

        return result;
    }

    /// <summary>The aggregated value of "metric,filter" over the sample (null when no doc returned the metric).</summary>
    public double? Aggregate(string metric, string filter, string model = "default", ScoringRules rules = ScoringRules.Current, IReadOnlyList<string>? responses = null) =>
        AggregateFull(metric, filter, model, rules, responses).Value;

    public AggregationResult AggregateFull(string metric, string filter, string model = "default", ScoringRules rules = ScoringRules.Current, IReadOnlyList<string>? responses = null)
    {
        var items = ScoreAll(model, rules, responses)
            .Where(s => s.Filter == filter)
            .Select(s => s.Score.Metrics.Where(m => m.Key == metric).Select(m => m.Value).ToList())
            .Where(v => v.Count == 1)
            .Select(v => v[0])
            .ToList();
        var hook = Task.Aggregations[metric];
        return hook is null
            ? AggregationResult.Of(Aggregations.Mean(items).Value)
            : hook(items, new AggregationContext(Spec.Name, metric));
    }

    public static string Json(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
