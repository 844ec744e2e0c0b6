using System.Text.Json.Nodes;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks.Groups;

/// <summary>
/// The tasks-b benchmarks through the runner with the replay model on their embedded samples: the results.json
/// numbers equal the values derived by hand in each family's golden test (the derivations are written there).
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-tasks-b-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private async Task<JsonObject> RunAsync(string id, ScoringRules rules, params string[] tasks)
    {
        var root = TestPaths.RepoRoot;
        var catalog = TaskCatalog.Load(Path.Combine(root, "tasks"), HookRegistry.CreateDefault());
        var runner = new EvaluationRunner(catalog, BackendRegistry.Default, DatasetReaders.All, new SilentObserver());
        var config = new RunConfig
        {
            Tasks = [.. tasks],
            Model = "replay",
            ModelArgs = "responses=" + Path.Combine(root, "tasks", "*", "sample", "responses.jsonl"),
            Scoring = rules,
        };
        var outcome = await runner.RunAsync(new RunRequest(config, Path.Combine(_out, id), Resume: false, root), CancellationToken.None);
        return outcome.Results;
    }

    private static double Metric(JsonObject results, string task, string key) => (double)results["results"]![task]![key]!;

    [Fact]
    public async Task Replayed_samples_score_as_derived_by_hand()
    {
        var r = await RunAsync("all", ScoringRules.Current, "ai2d", "chartqa", "docvqa_val", "infovqa_val", "realworldqa", "ocrbench", "muirbench");
        Assert.Equal(3.0 / 7, Metric(r, "ai2d", "exact_match,flexible-extract"), 12);
        Assert.Equal(0.625, Metric(r, "chartqa", "relaxed_overall,none"), 12);
        Assert.Equal(0.25, Metric(r, "chartqa", "relaxed_human_split,none"), 12);
        Assert.Equal(1.0, Metric(r, "chartqa", "relaxed_augmented_split,none"), 12);
        Assert.Equal(17.0 / 36, Metric(r, "docvqa_val", "anls,none"), 12);
        Assert.Equal((1.75 + 13.0 / 21) / 5, Metric(r, "infovqa_val", "anls,none"), 12);
        Assert.Equal(5.0 / 8, Metric(r, "realworldqa", "exact_match,none"), 12);
        Assert.Equal(0.004, Metric(r, "ocrbench", "ocrbench_accuracy,none"), 12);
        Assert.Equal(0.6, Metric(r, "muirbench", "muirbench_score_overall,flexible-extract"), 12);

        // Extraction diagnostics (statuses listed per doc in the family tests): AI2D 3 parsed, 1 fallback, 3 unparseable.
        var ai2d = r["lladav_eval"]!["extraction"]!["ai2d"]!["by_status"]!;
        Assert.Equal((3, 1, 3), ((int)ai2d["parsed"]!, (int)ai2d["fallback"]!, (int)ai2d["unparseable"]!));
        Assert.Equal(1.0 / 8, (double)r["lladav_eval"]!["extraction"]!["chartqa"]!["fallback_share"]!, 12);
        Assert.Equal(4.0, (double)r["lladav_eval"]!["breakdown"]!["ocrbench"]!["ocrbench_accuracy,none"]!["Final Score"]!);
        Assert.Equal(0.0, (double)r["lladav_eval"]!["breakdown"]!["muirbench"]!["muirbench_score_overall,flexible-extract"]!["Counting"]!);
    }

    [Fact]
    public async Task Scoring_2025_applies_the_legacy_realworldqa_rule()
    {
        var r = await RunAsync("rwqa2025", ScoringRules.Legacy2025, "realworldqa");
        Assert.Equal(6.0 / 8, Metric(r, "realworldqa", "exact_match,none"), 12);
    }

    private sealed class SilentObserver : IRunObserver
    {
        public void RunStarted(string runDirectory, bool resumed)
        {
        }

        public void TaskStarted(string task, int total, int alreadyDone, DatasetLocation data)
        {
        }

        public void SamplesFinished(string task, int count, TokenUsage usage, TimeSpan elapsed)
        {
        }

        public void TaskFinished(string task)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
