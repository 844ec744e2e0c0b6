using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// End-to-end runs of the replay model on the shipped samples. Expected scores are derived by hand from the rules
/// and the sample responses (see tasks/*/sample/responses.jsonl):
/// MMMU (current rules, lmms-eval 75571cf): docs 0 (C=C) and 3 ("$10" option text → A) right; doc 1 ("(D)" vs A) wrong;
/// the open-ended docs 2 (9.8) and 4 (1789) cannot score (eval_open iterates str(parsed_pred[0]) by character) → 2/5 =
/// 0.4. Under --scoring 2025 they score (9.8 among the candidates of "9.80 m/s^2", 1789) → 4/5 = 0.8.
/// MMStar (current rules): "A"→A ✓, "(C) red"→C ✗(B), "The answer is D."→D ✓, "The correct answer is A"→A ✓,
/// "C. Because…"→C ✓, ""→"" ✗. One doc per l2 category, so each l2 mean is 0 or 1; average = 4/6;
/// coarse perception = mean(1, 0) = 0.5; math = mean(1, 1) = 1; logical = 1; instance = 0.
/// MMStar (2025 rules): "The correct answer is A" fails the legacy shapes → math = 0.5, average = 3/6.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-cli-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static double Metric(JsonNode results, string task, string key) => (double)results["results"]![task]![key]!;

    private static JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;

    [Fact]
    public async Task Should_score_the_samples_as_worked_out_by_hand()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "r1"));
        Assert.True(code == 0, output + error);
        var dir = Path.Combine(_out, "replay", "r1");
        var results = Results(dir);
        Assert.Equal(0.4, Metric(results, "mmmu_val", "mmmu_acc,none"), 12);
        var quirk = results["lladav_eval"]!["upstream_quirks"]!["mmmu_val"]!.AsArray().Single()!;
        Assert.Equal("mmmu.open_pred_characters", (string?)quirk["id"]);
        Assert.Equal(2, (int)quirk["samples_affected"]!);
        Assert.Contains("mmmu_val: 2 open-ended answers cannot score under lmms-eval 0.7.2's rule", output, StringComparison.Ordinal);
        Assert.Contains("--scoring 2025 scores them as the paper did", output, StringComparison.Ordinal);
        Assert.Equal(4.0 / 6.0, Metric(results, "mmstar", "average,none"), 12);
        Assert.Equal(0.5, Metric(results, "mmstar", "coarse perception,none"), 12);
        Assert.Equal(1.0, Metric(results, "mmstar", "math,none"), 12);
        Assert.Equal(0.0, Metric(results, "mmstar", "instance reasoning,none"), 12);
        Assert.Equal("N/A", (string)results["results"]!["mmstar"]!["average_stderr,none"]!);
        Assert.Equal(6, (int)results["n-samples"]!["mmstar"]!["effective"]!);
        Assert.Equal("sample", (string)results["lladav_eval"]!["data_source"]!["mmstar"]!);
        foreach (var file in new[] { "manifest.json", "samples_mmmu_val.jsonl", "samples_mmstar.jsonl", "report.md", "timing.json", "journal/mmstar.jsonl" })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        }

        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "samples_mmmu_val.jsonl")).Length);
        Assert.Contains("sample data", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Effective configuration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_use_the_2025_rules_when_asked()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "r2025", "--scoring", "2025", "--tasks", "mmstar,mmmu_val"));
        Assert.True(code == 0, output + error);
        var results = Results(Path.Combine(_out, "replay", "r2025"));
        Assert.Equal(0.8, Metric(results, "mmmu_val", "mmmu_acc,none"), 12);
        Assert.Null(results["lladav_eval"]!["upstream_quirks"]);
        Assert.DoesNotContain("cannot score", output, StringComparison.Ordinal);
        Assert.Equal(0.5, Metric(results, "mmstar", "average,none"), 12);
        Assert.Equal(0.5, Metric(results, "mmstar", "math,none"), 12);
        Assert.Equal("2025", (string)results["lladav_eval"]!["scoring"]!);
    }

    [Fact]
    public async Task Should_list_group_subtasks_and_label_our_own_mvbench_average()
    {
        // The shipped MVBench samples give sub-task accuracies that repeat 100, 50, 66.67, 0, 33.33 four times
        // (tasks/mvbench/sample responses): sum 4 × 250 = 1000 over 20 sub-tasks → 50.
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "mv", "--tasks", "mvbench"));
        Assert.True(code == 0, output + error);
        var results = Results(Path.Combine(_out, "replay", "mv"));
        Assert.Equal(20, results["group_subtasks"]!["mvbench"]!.AsArray().Count);
        var average = results["lladav_eval"]!["group_averages"]!["mvbench"]!;
        Assert.Equal(50.0, (double)average["mvbench_average"]!, 9);
        Assert.Equal("lladav-eval", (string)average["source"]!);
        Assert.Contains("lmms-eval reports none", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_give_the_same_files_for_any_batch_size()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "b1"))).Code);
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "b4", "--batch-size", "4"))).Code);
        foreach (var file in new[] { "samples_mmmu_val.jsonl", "samples_mmstar.jsonl" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_out, "replay", "b1", file)), File.ReadAllBytes(Path.Combine(_out, "replay", "b4", file)));
        }
    }

    [Fact]
    public async Task Should_merge_shards_into_the_same_bytes_as_one_run()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "whole"))).Code);
        for (var k = 0; k < 3; k++)
        {
            var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(_out, "part", "--shard", $"{k}/3"));
            Assert.True(code == 0, o + e);
        }

        var shards = Enumerable.Range(0, 3).Select(k => Path.Combine(_out, "replay", $"part_shard{k}of3")).ToArray();
        Assert.Equal(2, File.ReadAllLines(Path.Combine(shards[0], "samples_mmmu_val.jsonl")).Length); // docs 0 and 3
        var merged = Path.Combine(_out, "merged");
        var (mc, mo, me) = await Cli.RunAsync(["merge", .. shards, "--output", merged, "--tasks-dir", Cli.Tasks]);
        Assert.True(mc == 0, mo + me);
        foreach (var file in new[] { "results.json", "samples_mmmu_val.jsonl", "samples_mmstar.jsonl" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(_out, "replay", "whole", file)), File.ReadAllText(Path.Combine(merged, file)));
        }
    }

    [Fact]
    public async Task Should_refuse_to_merge_an_incomplete_set_of_shards()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "p", "--shard", "0/2"))).Code);
        var (code, _, error) = await Cli.RunAsync(["merge", Path.Combine(_out, "replay", "p_shard0of2"), "--output", Path.Combine(_out, "m"), "--tasks-dir", Cli.Tasks]);
        Assert.Equal(2, code);
        Assert.Contains("one run for each shard", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_resume_a_killed_run_to_the_same_files_as_an_uninterrupted_one()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "clean"))).Code);

        // The child process kills itself (as kill -9 would) after journaling 3 samples.
        var env = new Dictionary<string, string> { ["LLADAV_EVAL_FAULT_AFTER_SAMPLES"] = "3", ["SOURCE_DATE_EPOCH"] = "1767225600" };
        var (killedCode, killedOut) = Cli.RunProcess(env, Cli.ReplayArgs(_out, "killed"));
        var dir = Path.Combine(_out, "replay", "killed");
        Assert.True(killedCode != 0, killedOut);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "journal", "mmmu_val.jsonl")).Length);
        Assert.False(File.Exists(Path.Combine(dir, "results.json")));

        var (code, output, error) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, output + error);
        Assert.Contains("(3 already done)", output, StringComparison.Ordinal);
        foreach (var file in new[] { "results.json", "samples_mmmu_val.jsonl", "samples_mmstar.jsonl" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(_out, "replay", "clean", file)), File.ReadAllText(Path.Combine(dir, file)));
        }
    }

    [Fact]
    public async Task Should_refuse_to_resume_with_a_different_configuration_and_show_the_difference()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(_out, "r"))).Code);
        var (code, _, error) = await Cli.RunAsync("run", "--resume", Path.Combine(_out, "replay", "r"), "--tasks-dir", Cli.Tasks, "--seed", "7");
        Assert.Equal(2, code);
        Assert.Contains("config.seed: 1234 -> 7", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// README "Real data and checkpoints": <c>--model-args responses=my_responses.jsonl</c> names the user's file, from the
    /// folder the command was typed in. It used to be looked up only under the checkout ("no such file (relative paths
    /// start at &lt;checkout&gt;)", exit 3) whenever the user ran the tool from another folder.
    /// </summary>
    [Fact]
    public void Should_read_a_relative_responses_file_from_the_working_folder()
    {
        var cwd = Directory.CreateDirectory(Path.Combine(_out, "work dir")).FullName;
        File.Copy(Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl"), Path.Combine(cwd, "my_responses.jsonl"));
        var (code, output) = Cli.RunProcessIn(cwd, new Dictionary<string, string>(),
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "rel", "--model", "replay",
            "--model-args", "responses=my_responses.jsonl", "--tasks", "mmstar");
        Assert.True(code == 0, output);
        Assert.Equal(4.0 / 6.0, Metric(Results(Path.Combine(_out, "replay", "rel")), "mmstar", "average,none"), 12);
    }
}
