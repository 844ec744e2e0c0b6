using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Scaling;

/// <summary>One shard as <c>status</c> shows it: done, running, pending, failed or stopped, and docs journaled.</summary>
public sealed record ShardState(int Shard, string State, int DocsDone, int DocsExpected, int TasksStarted, int Tasks, string? Detail);

/// <summary>
/// <c>lladav-eval status RUN_DIR</c>: which shards of a launched or submitted run are done (results.json), how far
/// each journal got, and what the engine says of the rest (the launcher's workers.json with pid checks, or Slurm's
/// sacct / scontrol / squeue for the array job).
/// </summary>
public static class ShardStatus
{
    public static (IReadOnlyList<ShardState> Shards, bool Merged, string Source) Read(string root)
    {
        var plan = ScalePlanFile.Read(root);
        var n = plan.Shards;
        Dictionary<int, string> slurm = [];
        var source = "journals";
        JsonObject? workers = null;
        if (plan.Engine == ScalePlanFile.SlurmEngine && plan.ArrayJob is { } job)
        {
            (slurm, var how) = Slurm.ArrayStates(job);
            source = $"journals + {how} (job {job})";
        }
        else if (File.Exists(ScaleLayout.WorkersPath(root)))
        {
            workers = JsonNode.Parse(File.ReadAllText(ScaleLayout.WorkersPath(root)))?.AsObject();
            source = "journals + launcher (logs/workers.json)";
        }

        var launcherAlive = workers?["launcher_pid"] is { } lp && PosixSignals.IsAlive((int)lp);
        var shards = new List<ShardState>();
        for (var k = 0; k < n; k++)
        {
            var (done, expected, started, tasks) = Journals(ScaleLayout.ShardDirectory(root, k, n), k, n);
            string state;
            string? detail = null;
            if (ScaleLayout.ShardFinished(root, k, n))
            {
                state = "done";
            }
            else if (plan.Engine == ScalePlanFile.SlurmEngine)
            {
                if (slurm.TryGetValue(k, out var s))
                {
                    state = s switch
                    {
                        "RUNNING" or "COMPLETING" => "running",
                        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "CONFIGURING" or "RESIZING" or "SUSPENDED" => "pending",
                        _ => "failed",
                    };
                    detail = "slurm " + s;
                }
                else
                {
                    state = "unknown";
                    detail = "not in Slurm's records";
                }
            }
            else
            {
                var w = workers?["shards"]?[k.ToString(CultureInfo.InvariantCulture)];
                var s = (string?)w?["state"] ?? "pending";
                state = s == "running" && !(launcherAlive && w?["pid"] is { } pid && PosixSignals.IsAlive((int)pid)) ? "stopped" : s;
                if (w?["attempt"] is { } a && (int)a > 1)
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"attempt {(int)a}");
                }

                if (w?["exit_code"] is { } code && state is "failed" or "stopped")
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"{detail}{(detail is null ? "" : ", ")}last exit {(int)code}");
                }
            }

            shards.Add(new ShardState(k, state, done, expected, started, tasks, detail));
        }

        return (shards, ScaleLayout.Merged(root), source);
    }

    /// <summary>Docs journaled and owned, over the tasks this shard has started (a task's counts file appears when it starts).</summary>
    private static (int Done, int Expected, int Started, int Tasks) Journals(string dir, int k, int n)
    {
        if (!File.Exists(Path.Combine(dir, RunManifest.FileName)))
        {
            return (0, 0, 0, 0);
        }

        var tasks = RunManifest.Read(dir)["tasks"]!.AsObject().Select(kv => kv.Key).ToList();
        int done = 0, expected = 0, started = 0;
        foreach (var task in tasks)
        {
            var counts = ResultsWriter.CountsPath(dir, task);
            if (!File.Exists(counts))
            {
                continue;
            }

            started++;
            expected += ShardPlanner.Owned((int)JsonNode.Parse(File.ReadAllText(counts))!["effective"]!, k, n);
            done += SampleJournal.Read(ResultsWriter.JournalPath(dir, task)).Count;
        }

        return (done, expected, started, tasks.Count);
    }
}
