using System.Text.Json.Nodes;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks;

/// <summary>
/// The part A tasks run end to end through the runner with <c>--model replay</c> on their embedded samples; the
/// expected numbers are the hand derivations written beside each family's golden aggregate test.
/// </summary>
public sealed class EndToEndReplayTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), "lladav-part-a-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_runs))
        {
            Directory.Delete(_runs, recursive: true);
        }
    }

    [Fact]
    public async Task Should_score_every_part_A_task_from_its_sample_through_the_runner()
    {
        var config = new RunConfig
        {
            Tasks = ["mmmu_pro", "mme", "mmbench_en_dev", "mathverse_testmini_vision_only", "mathvista_testmini", "pope", "pope_full"],
            Model = "replay",
            ModelArgs = "responses=tasks/mmmu_pro/sample/responses.jsonl;tasks/mme/sample/responses.jsonl;tasks/mmbench/sample/responses.jsonl;"
                + "tasks/mathverse/sample/responses.jsonl;tasks/mathvista/sample/responses.jsonl;tasks/pope/sample/responses.jsonl",
        };
        var runner = new EvaluationRunner(TaskSamples.Catalog, BackendRegistry.Default, DatasetReaders.All, SilentObserver.Instance);
        var outcome = await runner.RunAsync(new RunRequest(config, Path.Combine(_runs, "run"), Resume: false, TestPaths.RepoRoot), CancellationToken.None);
        var results = outcome.Results["results"]!.AsObject();
        double? Value(string task, string metric) => (double?)results[task]![metric + ",none"];

        Assert.Equal(0.5, Value("mmmu_pro_standard", "mmmu_acc"));
        Assert.Equal(0.4, Value("mmmu_pro_vision", "mmmu_acc"));
        Assert.Equal(325.0, Value("mme", "mme_perception_score"));
        Assert.Equal(50.0, Value("mme", "mme_cognition_score"));
        Assert.Equal(50.0, Value("mmbench_en_dev", "gpt_eval_score"));
        Assert.Equal(0.5, Value("mathverse_testmini_vision_only", "gpt_eval_score"));
        Assert.Equal(42.86, Value("mathvista_testmini_format", "llm_as_judge_eval")); // hand-computed in MathvistaTests
        var quirk = outcome.Results["lladav_eval"]!["upstream_quirks"]!["mathvista_testmini_format"]!.AsArray().Single()!;
        Assert.Equal("mathvista.float_precision", (string?)quirk["id"]);
        Assert.Equal(2, (int)quirk["samples_affected"]!); // pids 4 and 7: the float answers
        Assert.Equal(14.29, Value("mathvista_testmini_solution", "llm_as_judge_eval"));
        Assert.Null(Value("mathvista_testmini_cot", "llm_as_judge_eval"));
        Assert.Equal(3.0 / 7, Value("pope", "pope_accuracy")!.Value, 12);
        Assert.Equal(4.0 / 7, Value("pope", "pope_yes_ratio")!.Value, 12);
        Assert.Equal(1.0 / 3, Value("pope_random", "pope_accuracy")!.Value, 12);
        Assert.Equal(0.5, Value("pope_adv", "pope_accuracy"));
        Assert.Equal(1.0, Value("pope_pop", "pope_accuracy")); // gold yes "yes" ✓, gold no "no" ✓

        // Every sample line says how its answer was extracted.
        var lines = File.ReadAllLines(Path.Combine(outcome.RunDirectory, "samples_mmbench_en_dev.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(lines, l => Assert.NotNull((string?)l["extraction"]!["rule"]));
        Assert.Equal("unparseable", (string)lines.Single(l => (int)l["doc_id"]! == 3)["extraction"]!["status"]!);
    }
}
