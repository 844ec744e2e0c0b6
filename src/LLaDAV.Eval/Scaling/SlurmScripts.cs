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
/// The two batch scripts of <c>submit slurm</c> (docs/ARCHITECTURE.md §8): an array job with one task per shard
/// (<c>SLURM_ARRAY_TASK_ID</c> → <c>--shard K/N</c>, <c>--requeue</c>: a requeued or restarted task finds its shard's
/// manifest and continues with <c>run --resume</c>, so nothing finished is redone or lost), and a merge job that
/// <c>sbatch --dependency=afterok:&lt;array job&gt;</c> holds until every array task has completed.
/// </summary>
public static class SlurmScripts
{
    /// <summary>
    /// The one quoting discipline of the generated scripts (issue 23 §1), checked before a byte is written: no value
    /// may hold a control character (a newline would start a command line of its own and end sbatch's
    /// <c>#SBATCH</c> parsing); every value reaches bash single-quoted (<see cref="Quote"/>) and never inside double
    /// quotes, and every <c>#SBATCH</c> value is one sbatch word (<see cref="SbatchValue"/>).
    /// </summary>
    public static void CheckValues(string root, ImmutableArray<string> runArgs, ImmutableArray<string> tool, string workingDirectory, string? tasksDir, SlurmOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        Check(root, "the run root (--output / --run-id)", sbatch: true);
        Check(workingDirectory, "the working directory");
        Check(tasksDir, "--tasks-dir");
        foreach (var word in tool)
        {
            Check(word, "the tool's path");
        }

        foreach (var word in runArgs)
        {
            Check(word, "a run flag");
        }

        Check(o.JobName, "--job-name", sbatch: true);
        Check(o.Partition, "--partition", sbatch: true);
        Check(o.Gres, "--gres", sbatch: true);
        Check(o.Time, "--time", sbatch: true);
        Check(o.Memory, "--mem", sbatch: true);
        Check(o.Account, "--account", sbatch: true);
        Check(o.Qos, "--qos", sbatch: true);
        foreach (var extra in o.ExtraSbatch.IsDefault ? [] : o.ExtraSbatch)
        {
            Check(extra, "--sbatch", sbatch: true);
            if (!extra.StartsWith('-') || extra.Split('=', 2)[0].Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            {
                throw new Errors.ConfigException($"--sbatch '{extra}' is not one sbatch flag; give one per --sbatch, as --flag or --flag=value (e.g. --sbatch=--constraint=a100).");
            }
        }
    }

    private static void Check(string? value, string what, bool sbatch = false)
    {
        if (value is not null && value.Any(char.IsControl))
        {
            throw new Errors.ConfigException(
                $"{what} '{Errors.Terminal.Escape(value)}' holds a control character (a newline, carriage return, tab or escape); it would end up in a generated batch script. Remove it.");
        }

        if (sbatch && value is not null && value.Contains('\\', StringComparison.Ordinal))
        {
            // sbatch's own #SBATCH word parser reads a backslash as an escape; no Slurm name or path here needs one.
            throw new Errors.ConfigException($"{what} '{value}' holds a backslash, which the batch scripts cannot carry unchanged. Remove it.");
        }
    }

    /// <summary>
    /// A value as one word of an <c>#SBATCH</c> line. sbatch reads those lines with its own parser, not bash: it splits
    /// at white space and honours double quotes with <c>\"</c> inside (checked with sbatch 22.05: a job name
    /// <c>"x\"y$(id)"</c> arrives as <c>x"y$(id)</c>, nothing expanded), so a value with anything but plain characters
    /// is double-quoted.
    /// </summary>
    public static string SbatchValue(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? value
            : "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A path in a Slurm filename pattern (--output): '%' is the pattern character, "%%" a literal one.</summary>
    private static string SbatchPath(string path) => SbatchValue(path.Replace("%", "%%", StringComparison.Ordinal));

    public static string ArrayScript(string root, int shards, ImmutableArray<string> runArgs, ImmutableArray<string> tool, string workingDirectory, SlurmOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        CheckValues(root, runArgs, tool, workingDirectory, null, o);
        var n = shards.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# lladav-eval submit slurm: one array task per shard K/").Append(n).Append(" of the run in ").Append(root).Append(" (generated).\n");
        sb.Append("#SBATCH --job-name=").Append(SbatchValue(o.JobName)).Append('\n');
        sb.Append("#SBATCH --array=0-").Append((shards - 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("#SBATCH --requeue\n");
        sb.Append("#SBATCH --open-mode=append\n");
        sb.Append("#SBATCH --output=").Append(SbatchPath(Path.Combine(root, "logs"))).Append("/shard-%a-of-").Append(n).Append(".log\n");
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
        // The run path goes in single quotes after the double-quoted text, never inside it (a '$(...)' in a run id stays text).
        sb.Append("  if [ -n \"$MERGE\" ]; then scontrol update JobId=\"$MERGE\" Dependency=\"$DEP\" || echo \"== slurm: could not re-arm merge job $MERGE; if it is gone: sbatch --dependency=$DEP \"").Append(Quote(Path.Combine(root, "slurm", "merge.sbatch"))).Append("; fi\n");
        sb.Append("fi\n");
        sb.Append("if [ -f \"$DIR/manifest.json\" ]; then\n");
        sb.Append("  # Continue from the shard's journal: finished samples are kept, not redone.\n");
        sb.Append("  exec ").Append(Command(tool)).Append(" run --resume \"$DIR\"\n");
        sb.Append("fi\n");
        sb.Append("exec ").Append(Command(tool)).Append(" run ").Append(Command([.. runArgs.Select(a => Errors.Redact.ModelArgs(a)!)])).Append(runArgs.IsEmpty ? "" : " ")
            .Append("--shard \"$K/").Append(n).Append("\" --run-dir \"$DIR\"\n");
        return sb.ToString();
    }

    public static string MergeScript(string root, int shards, ImmutableArray<string> tool, string workingDirectory, string? tasksDir, SlurmOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        CheckValues(root, [], tool, workingDirectory, tasksDir, o);
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# lladav-eval submit slurm: merges the ").Append(shards.ToString(CultureInfo.InvariantCulture)).Append(" shards into ").Append(root)
            .Append(" once the array job has completed (sbatch --dependency=afterok:<array job>).\n");
        sb.Append("#SBATCH --job-name=").Append(SbatchValue(o.JobName + "-merge")).Append('\n');
        sb.Append("#SBATCH --open-mode=append\n");
        sb.Append("#SBATCH --output=").Append(SbatchPath(Path.Combine(root, "logs", "merge.log"))).Append('\n');
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
                sb.Append("#SBATCH --").Append(flag).Append('=').Append(SbatchValue(value)).Append('\n');
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
                var eq = extra.IndexOf('=', StringComparison.Ordinal);
                sb.Append("#SBATCH ").Append(eq < 0 ? extra : extra[..(eq + 1)] + SbatchValue(extra[(eq + 1)..])).Append('\n');
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
