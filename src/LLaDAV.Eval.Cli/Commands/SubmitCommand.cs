using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval submit slurm --shards N [sbatch options] [--dry-run] [run flags]</c> (docs/ARCHITECTURE.md §8): an
/// <c>sbatch --array=0-(N-1)</c> job, one shard per array task, and a merge job held by
/// <c>--dependency=afterok</c> on it. Slurm is the scheduler; the tool only writes the scripts and submits them.
/// </summary>
internal static class SubmitCommand
{
    private static readonly Option<int?> s_shards = new("--shards") { Description = "Number of shards N = array tasks (one process and model load each)." };
    private static readonly Option<string?> s_partition = new("--partition") { Description = "sbatch --partition." };
    private static readonly Option<string?> s_gres = new("--gres") { Description = "sbatch --gres per array task, e.g. gpu:1 (add --device cuda to the run flags)." };
    private static readonly Option<string?> s_time = new("--time") { Description = "sbatch --time per array task, e.g. 04:00:00." };
    private static readonly Option<int?> s_cpus = new("--cpus-per-task") { Description = "sbatch --cpus-per-task." };
    private static readonly Option<string?> s_mem = new("--mem") { Description = "sbatch --mem per array task, e.g. 64G." };
    private static readonly Option<string?> s_account = new("--account") { Description = "sbatch --account." };
    private static readonly Option<string?> s_qos = new("--qos") { Description = "sbatch --qos." };
    private static readonly Option<string[]> s_sbatch = new("--sbatch") { Description = "Extra sbatch flag for the array job, e.g. --sbatch=--constraint=a100 (repeatable).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> s_jobName = new("--job-name") { Description = "Job name (default lladav-eval-<run-id>)." };
    private static readonly Option<bool> s_dryRun = new("--dry-run") { Description = "Print both batch scripts and the sbatch commands; write and submit nothing." };

    public static Command Create()
    {
        var slurm = new Command("slurm", "Submit the run as a Slurm array job (one shard per task; requeue-safe) plus a merge job (afterok). Other flags are run's.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var o in new Option[] { s_shards, s_partition, s_gres, s_time, s_cpus, s_mem, s_account, s_qos, s_sbatch, s_jobName, s_dryRun, CliHost.Verbose })
        {
            slurm.Options.Add(o);
        }

        slurm.SetAction((parse, _) => CliHost.GuardAsync(parse, output => SubmitAsync(parse, output)));
        var submit = new Command("submit", "Submit a run to a cluster scheduler (slurm).");
        submit.Subcommands.Add(slurm);
        return submit;
    }

    private static async Task<int> SubmitAsync(ParseResult parse, TextWriter output)
    {
        var shards = parse.GetValue(s_shards) ?? throw new ConfigException("submit slurm needs --shards N (the number of array tasks, one shard each).");
        if (shards < 1)
        {
            throw new ConfigException($"--shards {shards} must be at least 1.");
        }

        var forwarded = ForwardedRun.Parse([.. parse.UnmatchedTokens], "submit slurm");
        var root = forwarded.RunRoot;
        var work = forwarded.Work();
        if (work.Count > 0 && shards > work.Max(w => w.Docs))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"note: --shards {shards} is more than the largest task's {work.Max(w => w.Docs)} docs; some shards will be empty (each still loads the model).")).ConfigureAwait(false);
        }

        var options = new SlurmOptions(
            parse.GetValue(s_jobName) ?? "lladav-eval-" + Path.GetFileName(root),
            parse.GetValue(s_partition),
            parse.GetValue(s_gres),
            parse.GetValue(s_time),
            parse.GetValue(s_cpus),
            parse.GetValue(s_mem),
            parse.GetValue(s_account),
            parse.GetValue(s_qos),
            [.. parse.GetValue(s_sbatch) ?? []]);
        var tool = ForwardedRun.ToolCommand();
        var cwd = Directory.GetCurrentDirectory();
        var array = SlurmScripts.ArrayScript(root, shards, forwarded.Tokens, tool, cwd, options);
        var merge = SlurmScripts.MergeScript(root, shards, tool, cwd, forwarded.TasksDir, options);
        var dir = ScaleLayout.SlurmDirectory(root);
        var arrayPath = Path.Combine(dir, "array.sbatch");
        var mergePath = Path.Combine(dir, "merge.sbatch");
        if (parse.GetValue(s_dryRun))
        {
            var (arrayCmd, mergeCmd) = SlurmScripts.SubmitCommands(arrayPath, mergePath, "<array job id>");
            await output.WriteLineAsync($"# {arrayPath}\n{array}\n# {mergePath}\n{merge}\n# submitted as:\n{string.Join(' ', arrayCmd)}\n{string.Join(' ', mergeCmd)}").ConfigureAwait(false);
            return 0;
        }

        if (RunFiles.FirstExisting(root) is { } existing)
        {
            throw new ConfigException($"{root} already holds a run ({Path.GetFileName(existing)} is there); choose another --run-id (a submitted run continues by itself: requeue its array tasks, or see 'lladav-eval status {root}').");
        }

        var created = !Directory.Exists(root);
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        ScaleLayout.WriteAtomically(arrayPath, array);
        ScaleLayout.WriteAtomically(mergePath, merge);
        var plan = new ScalePlanFile(ScalePlanFile.SlurmEngine, shards, [.. Enumerable.Range(0, shards)], forwarded.Tokens, cwd);
        plan.Write(root);
        string arrayJob;
        try
        {
            arrayJob = Slurm.Submit(SlurmScripts.SubmitCommands(arrayPath, mergePath, "").Array);
        }
        catch (DataException)
        {
            // Nothing was submitted: leave no run root behind that would claim otherwise (and block a retry).
            if (created)
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }

        plan = plan with { ArrayJob = arrayJob };
        plan.Write(root);
        string mergeJob;
        try
        {
            mergeJob = Slurm.Submit(SlurmScripts.SubmitCommands(arrayPath, mergePath, arrayJob).Merge);
        }
        catch (DataException e)
        {
            throw new DataException($"{e.Message}\nThe array job {arrayJob} is submitted; submit the merge yourself: sbatch --dependency=afterok:{arrayJob} {mergePath} (or scancel {arrayJob}).", e);
        }

        (plan with { MergeJob = mergeJob }).Write(root);
        await output.WriteLineAsync(
            $"submitted array job {arrayJob} ({shards} tasks: shards 0/{shards} … {shards - 1}/{shards}) and merge job {mergeJob} (afterok:{arrayJob})\n" +
            $"run root: {root}\nscripts:  {arrayPath}, {mergePath}\nfollow:   lladav-eval status {root}").ConfigureAwait(false);
        return 0;
    }
}
