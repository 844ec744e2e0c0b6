using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// The repository's task catalog and the embedded samples of the video-era tasks, read the way a run reads them
/// (DatasetLocator without --data-dir or HF cache → tasks/&lt;family&gt;/sample/), for hook and aggregation tests.
/// </summary>
internal static class TaskSamples
{
    private static readonly Lazy<TaskCatalog> s_catalog = new(() => TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault()));

    public static TaskCatalog Catalog => s_catalog.Value;

    public static TaskDefinition Task(string name) => Catalog.Tasks[name];

    public static IReadOnlyList<Doc> Docs(TaskDefinition task)
    {
        var location = new DatasetLocator(null, null, DatasetReaders.All).Locate(task.Spec);
        Assert.Equal(DatasetSource.Sample, location.Source);
        return [.. location.Files.SelectMany(f => DatasetReaders.All.First(r => r.CanRead(f)).Read(f, null, CancellationToken.None).Select(row => new Doc(row, Path.GetDirectoryName(f)!, f)))];
    }

    /// <summary>doc_id → response from <c>tasks/&lt;family&gt;/sample/responses.jsonl</c> for <paramref name="task"/>.</summary>
    public static IReadOnlyDictionary<int, string> Responses(string family, string task)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tasks", family, "sample", "responses.jsonl");
        var result = new Dictionary<int, string>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("task").GetString() == task)
            {
                result[json.RootElement.GetProperty("doc_id").GetInt32()] = json.RootElement.GetProperty("response").GetString()!;
            }
        }

        return result;
    }

    /// <summary>
    /// Scores every sample doc with its sample response through the task's process_results (the response is
    /// stripped first, as lmms-eval's evaluator does) and aggregates <paramref name="metric"/> with the task's hook.
    /// </summary>
    public static AggregationResult Aggregate(string family, string taskName, string metric, ScoringRules rules)
    {
        var task = Task(taskName);
        var docs = Docs(task);
        var responses = Responses(family, taskName);
        Assert.Equal(docs.Count, responses.Count);
        var items = new List<JsonNode?>();
        for (var i = 0; i < docs.Count; i++)
        {
            var score = task.ProcessResults(docs[i], LLaDAV.Eval.Tasks.Common.PyStr.Strip(responses[i]), new ScoringContext(taskName, i, 0, rules, null));
            if (score.Metrics.Any(m => m.Key == metric))
            {
                items.Add(score.Get(metric));
            }
        }

        var aggregation = task.Aggregations[metric];
        Assert.NotNull(aggregation);
        return aggregation(items, new AggregationContext(taskName, metric));
    }

    public static TaskSpec Spec(string sourceFile, string datasetPath, string? cacheDir) => new()
    {
        Name = "video_test",
        SourceFile = sourceFile,
        DatasetPath = datasetPath,
        Split = "test",
        DocToVisual = "v",
        DocToText = "t",
        DocToTarget = "answer",
        DatasetKwargs = cacheDir is null
            ? System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty
            : System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty.Add("cache_dir", cacheDir),
    };
}
