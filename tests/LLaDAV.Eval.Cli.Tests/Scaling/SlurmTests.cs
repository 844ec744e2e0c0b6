using System.Text.Json.Nodes;
using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Cli.Tests.Scaling;

/// <summary>
/// <c>submit slurm</c> against a real slurmctld/slurmd (CI starts a one-node cluster with scripts/slurm-local-up.sh):
/// 3 array tasks and a merge job, byte-identical to a single process; one task cancelled mid-run and requeued.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class SlurmTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(8);

    private readonly string _out = Directory.CreateTempSubdirectory("lladav-slurm-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Should_print_both_scripts_on_a_dry_run_and_write_nothing()
    {
        var (code, o, e) = await Cli.RunAsync(["submit", "slurm", "--shards", "3", "--partition", "gpu", "--gres", "gpu:1", "--time", "04:00:00", "--dry-run", .. ScaleRuns.Replay(_out, "dry")]);
        Assert.True(code == 0, o + e);
        Assert.Contains("#SBATCH --array=0-2", o, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --requeue", o, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --partition=gpu", o, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --gres=gpu:1", o, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --time=04:00:00", o, StringComparison.Ordinal);
        Assert.Contains("--shard \"$K/3\" --run-dir \"$DIR\"", o, StringComparison.Ordinal);
        Assert.Contains("run --resume \"$DIR\"", o, StringComparison.Ordinal);
        Assert.Contains(" merge \\", o, StringComparison.Ordinal);
        Assert.Contains("sbatch --parsable --dependency=afterok:<array job id> ", o, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "replay", "dry")));
    }

    [SlurmFact]
    public async Task Should_run_three_array_tasks_and_a_merge_with_the_same_bytes_as_one_process()
    {
        foreach (var (flags, model) in new[] { ((Func<string, string, string[]>)ScaleRuns.Replay, "replay"), (ScaleRuns.Demo, "lladav") })
        {
            Assert.Equal(0, (await Cli.RunAsync(["run", .. flags(_out, "single")])).Code);
            var (code, o, e) = await Cli.RunAsync(["submit", "slurm", "--shards", "3", "--cpus-per-task", "1", .. flags(_out, "slurm")]);
            Assert.True(code == 0, o + e);
            var root = Path.Combine(_out, model, "slurm");
            await ScaleRuns.WaitForAsync(() => ScaleLayout.Merged(root), s_timeout, $"the merge job of {root} ({Logs(root)})");
            ScaleRuns.AssertSameResults(Path.Combine(_out, model, "single"), root);

            (code, o, e) = await Cli.RunAsync("status", root);
            Assert.True(code == 0, o + e);
            Assert.Contains("summary: 3 done; merged: yes", o, StringComparison.Ordinal);
        }
    }

    [SlurmFact]
    public async Task Should_lose_and_repeat_nothing_when_a_cancelled_array_task_is_requeued()
    {
        const string task = "mathvista_testmini_cot";
        Assert.Equal(0, (await Cli.RunAsync(["run", .. ScaleRuns.DemoLong(_out, "single")])).Code);
        var (code, o, e) = await Cli.RunAsync(["submit", "slurm", "--shards", "3", "--cpus-per-task", "1", .. ScaleRuns.DemoLong(_out, "slurm")]);
        Assert.True(code == 0, o + e);
        var root = Path.Combine(_out, "lladav", "slurm");
        var shard0 = Path.Combine(root, "shards", "0-of-3");
        var job = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(root, "scale.json")))!["slurm"]!["array_job"]!;

        // Cancel array task 0 after its first doc (of 2), then requeue it: it must resume, not restart.
        await ScaleRuns.WaitForAsync(() => ScaleRuns.JournalLines(shard0, task) >= 1, s_timeout, $"shard 0's first doc ({Logs(root)})");
        Assert.False(File.Exists(Path.Combine(shard0, "results.json")), "shard 0 finished before it could be cancelled; the test needs slower docs");
        Assert.Equal(0, Slurm.Run(["scancel", $"{job}_0"]).Code);
        await ScaleRuns.WaitForAsync(() => Slurm.ArrayStates(job).States.GetValueOrDefault(0) is "CANCELLED", TimeSpan.FromMinutes(1), "task 0 to be cancelled");

        // scancel sends SIGTERM (SIGKILL after KillWait); scontrol says COMPLETING, which status shows as running, until
        // the task's processes are gone. The worker must stop inside its second (last) doc: before the fix it finished
        // that doc and wrote results.json (status: "done", never "failed") or was SIGKILLed without a word.
        await ScaleRuns.WaitForAsync(() => Cli.RunAsync("status", root).GetAwaiter().GetResult().Out.Contains("failed", StringComparison.Ordinal), TimeSpan.FromMinutes(1), $"status to report the cancelled shard as failed ({Logs(root)})");
        (code, o, e) = await Cli.RunAsync("status", root);
        Assert.Contains("failed", o, StringComparison.Ordinal);
        Assert.Contains("slurm CANCELLED", o, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(shard0, "results.json")), "the cancelled shard finished its last doc after SIGTERM");
        Assert.Contains("interrupted: 1 of 2 samples saved", File.ReadAllText(Path.Combine(root, "logs", "shard-0-of-3.log")), StringComparison.Ordinal);

        var requeue = Slurm.Run(["scontrol", "requeue", $"{job}_0"]);
        Assert.True(requeue.Code == 0, requeue.Err);
        // Slurm holds a requeued job for a while (BeginTime); an operator in a hurry starts it now, as the test does.
        Slurm.Run(["scontrol", "update", $"JobId={job}_0", "StartTime=now"]);
        await ScaleRuns.WaitForAsync(() => ScaleLayout.Merged(root), s_timeout, $"the merge after the requeue ({Logs(root)})");

        Assert.Contains("restart 1", File.ReadAllText(Path.Combine(root, "logs", "shard-0-of-3.log")), StringComparison.Ordinal);
        Assert.Equal(2, ScaleRuns.JournalLines(shard0, task));
        ScaleRuns.AssertEachDocOnce(root, task, 6);
        ScaleRuns.AssertSameResults(Path.Combine(_out, "lladav", "single"), root);
    }

    /// <summary>
    /// Issue 23 §1 on a real slurmctld: a job name, an extra sbatch flag and a run id built to run commands
    /// (command substitution, backticks, quotes, spaces) are submitted; every array task and the merge run, the job
    /// name arrives literally (scontrol), and no marker file appears. Before the fix the run id's <c>$(...)</c>
    /// ran when a task was requeued and a newline in the job name became a script line.
    /// </summary>
    [SlurmFact]
    public async Task Should_carry_crafted_values_through_sbatch_as_text()
    {
        // The run id may hold no '/', so its commands name a relative marker: the scripts cd to the submitting folder.
        var marker = Path.Combine(Directory.GetCurrentDirectory(), "lladav-issue23-ran");
        File.Delete(marker);
        var id = "a b$(touch${IFS}lladav-issue23-ran)`touch lladav-issue23-ran`'\"";
        var name = "n \"q$(touch " + marker + ")";
        var (code, o, e) = await Cli.RunAsync(["submit", "slurm", "--shards", "2", "--cpus-per-task", "1", "--job-name", name, "--sbatch=--comment=c $(touch " + marker + ")", .. ScaleRuns.Replay(_out, id)]);
        Assert.True(code == 0, o + e);
        var root = Path.Combine(_out, "replay", id);
        await ScaleRuns.WaitForAsync(() => ScaleLayout.Merged(root), s_timeout, $"the merge job of {root} ({Logs(root)})");
        var job = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(root, "scale.json")))!["slurm"]!["array_job"]!;
        var show = Slurm.Run(["scontrol", "-o", "show", "job", job]);
        Assert.Contains("JobName=" + name, show.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "a crafted value ran as a command");
        Assert.Equal(["replay"], Directory.EnumerateFileSystemEntries(_out).Select(Path.GetFileName));
    }

    private static string Logs(string root) =>
        Directory.Exists(Path.Combine(root, "logs"))
            ? string.Join(" | ", Directory.GetFiles(Path.Combine(root, "logs"), "*.log").Select(f => Path.GetFileName(f) + ": " + string.Join(" / ", File.ReadLines(f).TakeLast(3))))
            : "no logs";
}
