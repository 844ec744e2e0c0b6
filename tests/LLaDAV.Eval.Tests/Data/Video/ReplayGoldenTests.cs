using System.Text.Json.Nodes;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// End to end through the runner with <c>--model replay</c> on the embedded samples: results.json carries the same
/// hand-derived values as the hook-level golden tests (derivations in SeedbenchTests, MlvuTests, VideommeTests,
/// MvbenchTests).
/// </summary>
public sealed class ReplayGoldenTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), "lladav-replay-golden-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_runs))
        {
            Directory.Delete(_runs, recursive: true);
        }
    }

    private async Task<JsonObject> Run(string family, string tasks, ScoringRules rules)
    {
        var runner = new EvaluationRunner(TaskSamples.Catalog, BackendRegistry.Default, DatasetReaders.All, SilentObserver.Instance);
        var config = new RunConfig
        {
            Tasks = [.. tasks.Split(',')],
            Model = "replay",
            ModelArgs = $"responses=tasks/{family}/sample/responses.jsonl,prompt_model=lladav",
            Scoring = rules,
        };
        var outcome = await runner.RunAsync(new RunRequest(config, Path.Combine(_runs, family + rules), false, TestPaths.RepoRoot), CancellationToken.None);
        return outcome.Results["results"]!.AsObject();
    }

    [Fact]
    public async Task Seedbench_replay_matches_the_hand_derived_accuracies()
    {
        var results = await Run("seedbench", "seedbench", ScoringRules.Current);

        Assert.Equal(2.0 / 3, (double)results["seedbench"]!["seed_image,none"]!, 12);
        Assert.Equal(1.0 / 3, (double)results["seedbench"]!["seed_video,none"]!, 12);
        Assert.Equal(0.5, (double)results["seedbench"]!["seed_all,none"]!, 12);
    }

    [Theory]
    [InlineData(ScoringRules.Current, 200.0 / 7, 50.0)]
    [InlineData(ScoringRules.Legacy2025, 250.0 / 7, 200.0 / 3)]
    public async Task Mlvu_and_videomme_replay_follow_the_scoring_rule_version(ScoringRules rules, double mlvu, double videomme)
    {
        var mlvuResults = await Run("mlvu", "mlvu_dev", rules);
        var videommeResults = await Run("videomme", "videomme", rules);

        Assert.Equal(mlvu, (double)mlvuResults["mlvu_dev"]!["mlvu_percetion_score,none"]!, 12);
        Assert.Equal(videomme, (double)videommeResults["videomme"]!["videomme_perception_score,none"]!, 12);
    }

    [Fact]
    public async Task Mvbench_group_replay_gives_each_sub_task_and_our_average()
    {
        var results = await Run("mvbench", "mvbench", ScoringRules.Current);

        Assert.Equal(100.0, (double)results["mvbench_action_sequence"]!["mvbench_accuracy,none"]!, 12);
        Assert.Equal(50.0, (double)results["mvbench_moving_count"]!["mvbench_accuracy,none"]!, 12);
        Assert.Equal(0.0, (double)results["mvbench_episodic_reasoning"]!["mvbench_accuracy,none"]!, 12);
        var average = LLaDAV.Eval.Tasks.Families.Mvbench.MvbenchAverage.Compute(
            results.Where(kv => kv.Key.StartsWith("mvbench_", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => (double?)(double)kv.Value!["mvbench_accuracy,none"]!));
        Assert.Equal(50.0, average.Value!.Value, 12);
        Assert.True(average.IsComplete);
    }
}
