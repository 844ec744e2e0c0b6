using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Scaling;

/// <summary>What the user asks of Slurm: resources per array task (one shard each) and extra sbatch flags.</summary>
public sealed record SlurmOptions(
    string JobName,
    string? Partition = null,
    string? Gres = null,
    string? Time = null,
    int? CpusPerTask = null,
    string? Memory = null,
    string? Account = null,
    string? Qos = null,
    ImmutableArray<string> ExtraSbatch = default);

/// <summary>
/// The two batch scripts of <c>submit slurm</c> (DESIGN.md §8): an array job with one task per shard
/// (<c>SLURM_ARRAY_TASK_ID</c> → <c>--shard K/N</c>, <c>--requeue</c>: a requeued or restarted task finds its shard's
/// manifest and continues with <c>run --resume</c>, so nothing finished is redone or lost), and a merge job that
/// <c>sbatch --dependency=afterok:&lt;array job&gt;</c> holds until every array task has completed.
/// </summary>
public static class SlurmScripts
{
    public static string ArrayScript(string root, int shards, ImmutableArray<string> runArgs, ImmutableArray<string> tool, string workingDirectory, SlurmOptions o)
    {
        var n = shards.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# lladav-eval submit slurm: one array task per shard K/").Append(n).Append(" of the run in ").Append(root).Append(" (generated).\n");
        sb.Append("#SBATCH --job-name=").Append(o.JobName).Append('\n');
        sb.Append("#SBATCH --array=0-").Append((shards - 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("#SBATCH --requeue\n");
        sb.Append("#SBATCH --open-mode=append\n");
        sb.Append("#SBATCH --output=").Append(Path.Combine(root, "logs", "shard-%a-of-" + n + ".log")).Append('\n');
        Resources(sb, o, withGpu: true);
        sb.Append("set -euo pipefail\n");
        sb.Append("cd ").Append(Quote(workingDirectory)).Append('\n');
        sb.Append("K=\"$SLURM_ARRAY_TASK_ID\"\n");
        sb.Append("DIR=").Append(Quote(Path.Combine(root, "shards"))).Append("/\"$K-of-").Append(n).Append("\"\n");
        sb.Append("echo \"== slurm: shard $K/").Append(n).Append(" job ${SLURM_JOB_ID:-?} on $(hostname) restart ${SLURM_RESTART_COUNT:-0} $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n");
        sb.Append("if [ -f \"$DIR/manifest.json\" ] || [ \"${SLURM_RESTART_COUNT:-0}\" -gt 0 ]; then\n");
        sb.Append("  # Requeued or restarted. Slurm keeps the merge job's afterok on the whole array failed once any task failed or\n");
        sb.Append("  # was cancelled, even after that task is requeued and completes; naming every task again lets the merge follow\n");
        sb.Append("  # the tasks' current states (tested: scancel + scontrol requeue of one task, Slurm 22.05).\n");
        sb.Append("  MERGE=$(sed -n 's/.*\"merge_job\": *\"\\([0-9]*\\)\".*/\\1/p' ").Append(Quote(ScaleLayout.PlanPath(root))).Append(" 2>/dev/null || true)\n");
        sb.Append("  DEP=afterok; for ((i = 0; i < ").Append(n).Append("; i++)); do DEP+=\":${SLURM_ARRAY_JOB_ID}_$i\"; done\n");
        sb.Append("  if [ -n \"$MERGE\" ]; then scontrol update JobId=\"$MERGE\" Dependency=\"$DEP\" || echo \"== slurm: could not re-arm merge job $MERGE; if it is gone: sbatch --dependency=$DEP ").Append(Path.Combine(root, "slurm", "merge.sbatch")).Append("\"; fi\n");
        sb.Append("fi\n");
        sb.Append("if [ -f \"$DIR/manifest.json\" ]; then\n");
        sb.Append("  # Continue from the shard's journal: finished samples are kept, not redone.\n");
        sb.Append("  exec ").Append(Command(tool)).Append(" run --resume \"$DIR\"\n");
        sb.Append("fi\n");
        sb.Append("exec ").Append(Command(tool)).Append(" run ").Append(Command(runArgs)).Append(runArgs.IsEmpty ? "" : " ")
            .Append("--shard \"$K/").Append(n).Append("\" --run-dir \"$DIR\"\n");
        return sb.ToString();
    }

    public static string MergeScript(string root, int shards, ImmutableArray<string> tool, string workingDirectory, string? tasksDir, SlurmOptions o)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# lladav-eval submit slurm: merges the ").Append(shards.ToString(CultureInfo.InvariantCulture)).Append(" shards into ").Append(root)
            .Append(" once the array job has completed (sbatch --dependency=afterok:<array job>).\n");
        sb.Append("#SBATCH --job-name=").Append(o.JobName).Append("-merge\n");
        sb.Append("#SBATCH --open-mode=append\n");
        sb.Append("#SBATCH --output=").Append(Path.Combine(root, "logs", "merge.log")).Append('\n');
        Resources(sb, o with { Gres = null, CpusPerTask = 1, Memory = null }, withGpu: false);
        sb.Append("set -euo pipefail\n");
        sb.Append("cd ").Append(Quote(workingDirectory)).Append('\n');
        sb.Append("if [ -f ").Append(Quote(Path.Combine(root, "results.json"))).Append(" ]; then echo \"== slurm: already merged\"; exit 0; fi\n");
        sb.Append("exec ").Append(Command(tool)).Append(" merge");
        for (var k = 0; k < shards; k++)
        {
            sb.Append(" \\\n  ").Append(Quote(ScaleLayout.ShardDirectory(root, k, shards)));
        }

        sb.Append(" \\\n  --output ").Append(Quote(root));
        if (tasksDir is not null)
        {
            sb.Append(" --tasks-dir ").Append(Quote(tasksDir));
        }

        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>The sbatch command lines, in order; the merge job's dependency names the array job's id.</summary>
    public static (string[] Array, string[] Merge) SubmitCommands(string arrayScript, string mergeScript, string arrayJobId) =>
        (["sbatch", "--parsable", arrayScript], ["sbatch", "--parsable", $"--dependency=afterok:{arrayJobId}", mergeScript]);

    private static void Resources(StringBuilder sb, SlurmOptions o, bool withGpu)
    {
        void Line(string flag, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                sb.Append("#SBATCH --").Append(flag).Append('=').Append(value).Append('\n');
            }
        }

        Line("partition", o.Partition);
        Line("account", o.Account);
        Line("qos", o.Qos);
        Line("time", o.Time);
        Line("cpus-per-task", o.CpusPerTask?.ToString(CultureInfo.InvariantCulture));
        Line("mem", o.Memory);
        if (withGpu)
        {
            Line("gres", o.Gres);
            foreach (var extra in o.ExtraSbatch.IsDefault ? [] : o.ExtraSbatch)
            {
                sb.Append("#SBATCH ").Append(extra).Append('\n');
            }
        }
    }

    public static string Command(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>POSIX shell single-quoting: safe for any argument (spaces, $, quotes, globs).</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
