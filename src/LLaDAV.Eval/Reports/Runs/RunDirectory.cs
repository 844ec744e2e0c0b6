using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Reports.Runs;

/// <summary>
/// A finished run directory as <c>lladav-eval run</c> writes it (docs/ARCHITECTURE.md §5-6): <c>manifest.json</c> (effective
/// config with <c>--tag</c>s and <c>--gen-kwargs</c>), <c>results.json</c> (lmms-eval schema), <c>timing.json</c>
/// and <c>samples_&lt;task&gt;.jsonl</c>. Read-only view for reports.
/// </summary>
public sealed record RunDirectory(string Path, JsonObject Manifest, JsonObject Results, JsonObject? Timing)
{
    /// <summary>Loads a run; a folder without results.json is a data error naming the fix.</summary>
    public static RunDirectory Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (File.Exists(full))
        {
            // e.g. the run's results.json itself, or a tab-completed file beside the folder
            throw new DataException($"{full} is a file, not a run folder. Pass the folder that 'lladav-eval run' wrote (results/<model>/<run-id>/).");
        }

        if (!Directory.Exists(full))
        {
            throw new DataException($"Run directory {full} does not exist. Pass a folder that 'lladav-eval run' wrote (results/<model>/<run-id>/).");
        }

        var manifest = RunManifest.Read(full);
        var resultsPath = System.IO.Path.Combine(full, "results.json");
        if (!File.Exists(resultsPath))
        {
            throw new DataException($"{full} has no results.json: the run did not finish. Continue it with 'lladav-eval run --resume {full}'.");
        }

        var timingPath = System.IO.Path.Combine(full, "timing.json");
        return new RunDirectory(full, manifest, ReadObject(resultsPath), File.Exists(timingPath) ? ReadObject(timingPath) : null);
    }

    /// <summary>
    /// Each argument is a run directory, or a folder whose sub-folders (to two levels, e.g. results/replay/) are
    /// run directories; runs are returned in path order.
    /// </summary>
    public static ImmutableArray<RunDirectory> LoadAll(IEnumerable<string> paths)
    {
        var runs = ImmutableArray.CreateBuilder<RunDirectory>();
        foreach (var path in paths)
        {
            if (File.Exists(System.IO.Path.Combine(path, RunManifest.FileName)) || !Directory.Exists(path))
            {
                runs.Add(Load(path));
                continue;
            }

            var found = Directory.EnumerateFiles(path, "results.json", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 })
                .Select(f => System.IO.Path.GetDirectoryName(f)!)
                .Where(d => File.Exists(System.IO.Path.Combine(d, RunManifest.FileName)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (found.Count == 0)
            {
                throw new DataException($"{System.IO.Path.GetFullPath(path)} holds no finished runs (no manifest.json with results.json in it or its sub-folders).");
            }

            runs.AddRange(found.Select(Load));
        }

        return runs.ToImmutable();
    }

    /// <summary>
    /// Tasks whose documents came from the embedded 3–8-document sample rather than the real dataset: manifest.json
    /// tasks.&lt;task&gt;.dataset.source is "sample" (Running/RunManifest.Tasks writes it). Their scores say nothing about
    /// the model, so every figure, table and report that shows them says so.
    /// </summary>
    public ImmutableArray<string> SampleTasks => [.. Tasks.Where(IsSample)];

    /// <summary>Whether <paramref name="task"/> ran on the embedded sample (manifest.json tasks.&lt;task&gt;.dataset.source).</summary>
    public bool IsSample(string task) => (string?)Manifest["tasks"]?[task]?["dataset"]?["source"] == "sample";

    /// <summary>The run folder's name (the run id).</summary>
    public string Id => System.IO.Path.GetFileName(Path);

    public JsonObject Config => Manifest["config"]?.AsObject() ?? throw new DataException($"{Path}/manifest.json has no 'config'.");

    /// <summary>The backend name (<c>--model</c>).</summary>
    public string Model => (string?)Config["model"] ?? "unknown";

    /// <summary><c>--tag k=v</c> metadata recorded in manifest.json <c>config.tags</c>.</summary>
    public ImmutableSortedDictionary<string, string> Tags =>
        Config["tags"] is JsonObject tags
            ? tags.Where(kv => kv.Value is not null).ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value!.ToString(), StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, string>.Empty;

    /// <summary><c>--gen-kwargs</c> as recorded in the manifest.</summary>
    public ImmutableSortedDictionary<string, string> GenKwargs => KeyValueList.Parse((string?)Config["gen_kwargs"], "--gen-kwargs");

    /// <summary>The name shown for the run: <c>--tag label=...</c>, else model and run id.</summary>
    public string Label => Tags.GetValueOrDefault("label") ?? $"{Model}/{Id}";

    /// <summary>The answer-extraction rules the run used (current or 2025).</summary>
    public string Scoring => (string?)Results["lladav_eval"]?["scoring"] ?? (string?)Config["scoring"] ?? "current";

    public ImmutableArray<string> Tasks => [.. (Results["results"] as JsonObject ?? []).Select(kv => kv.Key)];

    public string? Version(string task) => Results["versions"]?[task]?.ToString();

    /// <summary>A metric's value, or null where the run lacks the task or metric or it is not a number.</summary>
    public double? Score(string task, string metricKey) => Number(Results["results"]?[task]?[metricKey]);

    /// <summary>The metric's standard error where results.json has a number (aggregation hooks write "N/A").</summary>
    public double? Stderr(string task, string metricKey)
    {
        var comma = metricKey.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? null : Number(Results["results"]?[task]?[metricKey[..comma] + "_stderr" + metricKey[comma..]]);
    }

    /// <summary>The metric keys (<c>metric,filter</c>) of a task in results.json order, without stderr keys.</summary>
    public ImmutableArray<string> MetricKeys(string task) =>
        [.. (Results["results"]?[task] as JsonObject ?? []).Select(kv => kv.Key)
            .Where(k => k.Contains(',', StringComparison.Ordinal) && !k.Contains("_stderr", StringComparison.Ordinal))];

    /// <summary>Generated tokens per second for a task from timing.json; null when the backend did not time generation.</summary>
    public double? TokensPerSecond(string task) => Number(Timing?[task]?["tokens_per_second"]);

    /// <summary>The task's <c>samples_&lt;task&gt;.jsonl</c> records.</summary>
    public ImmutableArray<JsonObject> Samples(string task)
    {
        var file = System.IO.Path.Combine(Path, $"samples_{task}.jsonl");
        if (!File.Exists(file))
        {
            throw new DataException($"{file} is missing; the run directory is incomplete.");
        }

        var records = ImmutableArray.CreateBuilder<JsonObject>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                records.Add(Running.JsonFiles.Parse(line) as JsonObject ?? throw new DataException($"{file}:{lineNumber}: not a JSON object."));
            }
            catch (JsonException e)
            {
                throw new DataException($"{file}:{lineNumber}: not valid JSON ({e.Message}).", e);
            }
        }

        return records.ToImmutable();
    }

    internal static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) && double.IsFinite(d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    private static JsonObject ReadObject(string path) => Running.JsonFiles.ParseObject(path, "the run directory is damaged");
}
