using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Tests.Scaling;

/// <summary>
/// <c>launch --workers 3</c> on CPU, with real worker processes: the merged run equals a single process's byte for
/// byte, a worker killed with SIGKILL is reported and restarted from its journal, and a stopped launch resumes.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class LaunchTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-launch-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Theory]
    [InlineData("replay")]
    [InlineData("demo")]
    public async Task Should_merge_three_workers_into_the_same_bytes_as_one_process(string model)
    {
        var flags = model == "replay" ? ScaleRuns.Replay : (Func<string, string, string[]>)ScaleRuns.Demo;
        var (code, o, e) = await Cli.RunAsync(["run", .. flags(_out, "single")]);
        Assert.True(code == 0, o + e);
        (code, o, e) = await Cli.RunAsync(["launch", "--workers", "3", "--progress-every", "1", .. flags(_out, "launched")]);
        Assert.True(code == 0, o + e);

        var name = model == "replay" ? "replay" : "lladav";
        var root = Path.Combine(_out, name, "launched");
        ScaleRuns.AssertSameResults(Path.Combine(_out, name, "single"), root);
        Assert.Contains("progress: ", o, StringComparison.Ordinal);
        Assert.Contains("idle tail", o, StringComparison.Ordinal);

        // 3 workers × 2 shards each (replay: the 6 docs of mmstar allow 6; demo: --limit 4 caps N at 4).
        var shards = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(root, "scale.json")))!["shards"]!;
        Assert.Equal(model == "replay" ? 6 : 4, shards);
        Assert.Equal(shards, Directory.GetDirectories(Path.Combine(root, "shards")).Length);

        (code, o, e) = await Cli.RunAsync("status", root);
        Assert.True(code == 0, o + e);
        Assert.Contains($"summary: {shards} done; merged: yes", o, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>launch</c> with lmms-eval's <c>--output_path --log_samples</c>: lmms-eval writes its files once, from all ranks'
    /// samples. Before the fix every shard wrote <c>&lt;date&gt;_results.json</c> and <c>&lt;date&gt;_samples_*.jsonl</c>
    /// of its own partial share (same names within a second, so the last shard's overwrote the others') and the merged
    /// run wrote none: a script reading them got one shard's score.
    /// </summary>
    [Fact]
    public async Task Should_write_lmms_evals_files_once_from_the_merged_run()
    {
        var single = Path.Combine(_out, "single-lm");
        var launched = Path.Combine(_out, "launched-lm");
        var (code, o, e) = await Cli.RunAsync(["run", .. ScaleRuns.Replay(single, "r"), "--output_path", single, "--log_samples"]);
        Assert.True(code == 0, o + e);
        (code, o, e) = await Cli.RunAsync(["launch", "--workers", "2", "--progress-every", "1", .. ScaleRuns.Replay(launched, "r"), "--output_path", launched, "--log_samples"]);
        Assert.True(code == 0, o + e);

        // replay's model_args name no checkpoint, so lmms-eval's model_name is "" and the files sit in output_path itself.
        foreach (var pattern in new[] { "*_results.json", "*_samples_mmmu_val.jsonl", "*_samples_mmstar.jsonl" })
        {
            var ours = Directory.GetFiles(launched, pattern, SearchOption.AllDirectories);
            var expected = Directory.GetFiles(single, pattern, SearchOption.AllDirectories);
            Assert.True(ours.Length == 1 && expected.Length == 1, $"{pattern}: {string.Join(", ", ours)}");
            Assert.Equal(Path.GetFileName(expected[0]), Path.GetFileName(ours[0]));
            if (pattern.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                Assert.Equal(File.ReadAllText(expected[0]), File.ReadAllText(ours[0]));
            }
            else
            {
                var (a, b) = (JsonNode.Parse(File.ReadAllText(expected[0]))!, JsonNode.Parse(File.ReadAllText(ours[0]))!);
                Assert.Equal(a["results"]!.ToJsonString(), b["results"]!.ToJsonString());
                Assert.Equal(a["n-samples"]!.ToJsonString(), b["n-samples"]!.ToJsonString());
            }
        }
    }

    [Fact]
    public async Task Should_restart_a_worker_killed_with_SIGKILL_from_its_journal()
    {
        const string task = "mathvista_testmini_cot";
        Assert.Equal(0, (await Cli.RunAsync(["run", .. ScaleRuns.DemoLong(_out, "single")])).Code);
        var root = Path.Combine(_out, "lladav", "launched");
        var shard0 = Path.Combine(root, "shards", "0-of-3");
        var launch = Cli.RunAsync(["launch", "--workers", "3", "--shards-per-worker", "1", "--progress-every", "1", .. ScaleRuns.DemoLong(_out, "launched")]);

        // Kill shard 0's worker once it has journaled its first doc (of 2), as abruptly as the OOM killer would.
        await ScaleRuns.WaitForAsync(() => ScaleRuns.JournalLines(shard0, task) >= 1 || launch.IsCompleted, TimeSpan.FromMinutes(4), "shard 0's first journaled doc");
        Assert.False(File.Exists(Path.Combine(shard0, "results.json")), "shard 0 finished before it could be killed; the test needs slower docs");
        var pid = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(root, "logs", "workers.json")))!["shards"]!["0"]!["pid"]!;
        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill(); // SIGKILL
        }

        var (code, o, e) = await launch;
        Assert.True(code == 0, o + e);
        Assert.Contains("shard 0/3 (slot", o, StringComparison.Ordinal);
        Assert.Contains("died: killed by SIGKILL", o, StringComparison.Ordinal);
        Assert.Contains("Last lines of " + Path.Combine(root, "logs", "shard-0-of-3.log"), o, StringComparison.Ordinal);
        Assert.Contains("restarting shard 0/3 from its journal (attempt 2 of 3)", o, StringComparison.Ordinal);
        Assert.Contains("attempt 2, slot", File.ReadAllText(Path.Combine(root, "logs", "shard-0-of-3.log")), StringComparison.Ordinal);

        // The doc finished before the kill was not run again: shard 0 journaled each of its 2 docs once.
        Assert.Equal(2, ScaleRuns.JournalLines(shard0, task));
        ScaleRuns.AssertEachDocOnce(root, task, 6);
        ScaleRuns.AssertSameResults(Path.Combine(_out, "lladav", "single"), root);
    }

    [Fact]
    public async Task Should_stop_every_worker_on_SIGINT_and_resume_to_the_same_bytes()
    {
        const string task = "mathvista_testmini_cot";
        Assert.Equal(0, (await Cli.RunAsync(["run", .. ScaleRuns.DemoLong(_out, "single")])).Code);
        var root = Path.Combine(_out, "lladav", "launched");

        // The launcher in a process of its own, so SIGINT (Ctrl-C) reaches it alone: it must stop its workers itself.
        var start = LauncherProcess();

        using var launcher = Process.Start(start)!;
        var log = new StringBuilder();
        launcher.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        launcher.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        await ScaleRuns.WaitForAsync(
            () => Enumerable.Range(0, 3).Sum(k => ScaleRuns.JournalLines(Path.Combine(root, "shards", $"{k}-of-3"), task)) >= 1 || launcher.HasExited,
            TimeSpan.FromMinutes(4), "a first journaled doc");
        var workers = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "logs", "workers.json")))!["shards"]!.AsObject()
            .Select(kv => kv.Value!["pid"]).Where(p => p is not null).Select(p => (int)p!).ToList();
        Assert.NotEmpty(workers);
        Assert.Equal(0, Kill(launcher.Id, 2)); // SIGINT
        Assert.True(launcher.WaitForExit(TimeSpan.FromSeconds(60)), "the launcher did not stop within 60 s of SIGINT");
        launcher.WaitForExit();
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        Assert.True(launcher.ExitCode == 130, text);
        Assert.Contains("Continue with: lladav-eval launch --resume " + root, text, StringComparison.Ordinal);
        Assert.All(workers, pid => Assert.False(IsAlive(pid), $"worker {pid} still runs after the launcher stopped"));
        Assert.False(File.Exists(Path.Combine(root, "results.json")));

        var (code, o, e) = await Cli.RunAsync("launch", "--resume", root, "--workers", "3");
        Assert.True(code == 0, o + e);
        ScaleRuns.AssertEachDocOnce(root, task, 6);
        ScaleRuns.AssertSameResults(Path.Combine(_out, "lladav", "single"), root);
    }

    /// <summary>
    /// Issue 23 §6: a launcher killed with SIGKILL leaves its workers running (nobody forwards the signal). A
    /// <c>launch --resume</c> started while they still run must follow them, not start second workers that fail on
    /// the shard locks and report the shards FAILED; the resumed run ends complete, each doc once, same bytes.
    /// </summary>
    [Fact]
    public async Task Should_follow_the_orphaned_workers_of_a_killed_launcher_on_resume()
    {
        const string task = "mathvista_testmini_cot";
        Assert.Equal(0, (await Cli.RunAsync(["run", .. ScaleRuns.DemoLong(_out, "single")])).Code);
        var root = Path.Combine(_out, "lladav", "launched");
        var start = LauncherProcess();

        List<int> workers = [];
        try
        {
            using (var launcher = Process.Start(start)!)
            {
                launcher.OutputDataReceived += (_, _) => { };
                launcher.ErrorDataReceived += (_, _) => { };
                launcher.BeginOutputReadLine();
                launcher.BeginErrorReadLine();
                await ScaleRuns.WaitForAsync(
                    () => Enumerable.Range(0, 3).Sum(k => ScaleRuns.JournalLines(Path.Combine(root, "shards", $"{k}-of-3"), task)) >= 1 || launcher.HasExited,
                    TimeSpan.FromMinutes(4), "a first journaled doc");
                workers = [.. JsonNode.Parse(File.ReadAllText(Path.Combine(root, "logs", "workers.json")))!["shards"]!.AsObject()
                    .Select(kv => kv.Value!["pid"]).Where(p => p is not null).Select(p => (int)p!)];
                Assert.Equal(0, Kill(launcher.Id, 9)); // SIGKILL: the launcher dies, its workers do not
                launcher.WaitForExit();
            }

            var orphans = workers.Where(IsAlive).ToList();
            Assert.True(orphans.Count > 0, "every worker ended before the resume could start; the test needs slower docs");

            var (code, o, e) = await Cli.RunAsync("launch", "--resume", root, "--workers", "3");
            Assert.True(code == 0, o + e);
            Assert.Contains("(a worker of an earlier launch); waiting for it instead of starting another", o, StringComparison.Ordinal);
            Assert.DoesNotContain("FAILED", o, StringComparison.Ordinal);
            Assert.DoesNotContain("died", o, StringComparison.Ordinal);
            ScaleRuns.AssertEachDocOnce(root, task, 6);
            ScaleRuns.AssertSameResults(Path.Combine(_out, "lladav", "single"), root);
        }
        finally
        {
            foreach (var pid in workers.Where(IsAlive))
            {
                _ = Kill(pid, 9);
            }
        }
    }

    [Fact]
    public async Task Should_refuse_flags_the_launcher_sets_itself_before_starting_anything()
    {
        var (code, _, e) = await Cli.RunAsync(["launch", "--workers", "2", "--shard", "0/2", .. ScaleRuns.Replay(_out, "x")]);
        Assert.Equal(2, code);
        Assert.Contains("launch sets --shard for each shard itself", e, StringComparison.Ordinal);
        (code, _, e) = await Cli.RunAsync(["launch", .. ScaleRuns.Replay(_out, "x")]);
        Assert.Equal(2, code);
        Assert.Contains("--workers N", e, StringComparison.Ordinal);
        (code, _, e) = await Cli.RunAsync(["launch", "--gpus", "0,1", "--device", "cpu", .. ScaleRuns.Replay(_out, "x")]);
        Assert.Equal(2, code);
        Assert.Contains("drop --device cpu", e, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "replay", "x")));
    }

    /// <summary><c>launch --workers 3</c> of the long demo run as a process of its own, so a signal reaches the launcher alone.</summary>
    private ProcessStartInfo LauncherProcess()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll"), "launch", "--workers", "3", "--shards-per-worker", "1" }.Concat(ScaleRuns.DemoLong(_out, "launched")))
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
