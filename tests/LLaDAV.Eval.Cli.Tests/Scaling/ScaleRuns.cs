using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Tests.Scaling;

/// <summary>Scale-out tests start real processes (and Slurm jobs) on a small shared machine: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutCollection
{
    public const string Name = "scale-out";
}

/// <summary>The run flags of the scale-out tests and the checks they share.</summary>
internal static class ScaleRuns
{
    /// <summary>Replay of the shipped responses on two tasks (11 docs).</summary>
    public static string[] Replay(string output, string id) =>
    [
        "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id, "--model", "replay",
        "--model-args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tasks", "mmmu_val,mmstar",
    ];

    /// <summary>The real LLaDA-V backend on the demo checkpoint, a short task (2-token answers).</summary>
    public static string[] Demo(string output, string id) =>
    [
        "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id, "--model", "lladav",
        "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "4",
    ];

    /// <summary>The demo checkpoint on a long-answer task (96 tokens; steps lowered to keep it small): 6 docs of about a second each.</summary>
    public static string[] DemoLong(string output, string id) =>
    [
        "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id, "--model", "lladav",
        "--model-args", "path=demo", "--tasks", "mathvista_testmini_cot", "--limit", "6", "--gen-kwargs", "steps=16",
    ];

    /// <summary>results.json and every samples file of <paramref name="merged"/> equal the single run's, byte for byte.</summary>
    public static void AssertSameResults(string single, string merged)
    {
        var files = Directory.GetFiles(single, "samples_*.jsonl").Select(Path.GetFileName).Append("results.json").ToList();
        Assert.True(files.Count > 1, $"no samples in {single}");
        foreach (var f in files)
        {
            Assert.True(File.Exists(Path.Combine(merged, f!)), $"{f} is missing from {merged}");
            Assert.True(File.ReadAllBytes(Path.Combine(single, f!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, f!))), $"{f} differs between {single} and {merged}");
        }
    }

    /// <summary>Every doc of the task exactly once in the merged journal: nothing lost, nothing twice.</summary>
    public static void AssertEachDocOnce(string runDirectory, string task, int docs)
    {
        var ids = File.ReadAllLines(Path.Combine(runDirectory, "journal", task + ".jsonl")).Select(l => (int)JsonNode.Parse(l)!["doc_id"]!).ToList();
        Assert.Equal(Enumerable.Range(0, docs), ids);
    }

    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"gave up after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what}");
            }

            await Task.Delay(200);
        }
    }

    public static int JournalLines(string shardDirectory, string task)
    {
        var path = Path.Combine(shardDirectory, "journal", task + ".jsonl");
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
