using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;
using LLaDAV.Eval.Reports.Stats;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Reports.Compare;

/// <summary>
/// Paired comparison of two runs (docs/ARCHITECTURE.md §6, <c>compare</c>): samples aligned by (task, doc_id); per task the
/// per-sample score delta and ONE test that gives both the p-value and the interval: McNemar's exact test with its
/// Clopper–Pearson interval when every score is 0/1, else the paired bootstrap with order-statistic bounds. Across
/// m tasks the interval is at 1 − α/m (Bonferroni) and p is multiplied by m: Bonferroni, not Holm, because only it
/// has simultaneous intervals that match its adjusted p-values (Holm's step-down has no interval per task), so the
/// verdict — the interval excludes 0 — is the same statement as "adjusted p &lt; α" on every row.
/// </summary>
public static class RunComparer
{
    public static ComparisonResult Compare(RunDirectory baseRun, RunDirectory newRun, CompareOptions options, PaperReference? paper = null)
    {
        ArgumentNullException.ThrowIfNull(baseRun);
        ArgumentNullException.ThrowIfNull(newRun);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        if (baseRun.Scoring != newRun.Scoring)
        {
            throw new ConfigException($"The runs used different scoring rules (BASE '{baseRun.Scoring}', NEW '{newRun.Scoring}'), so their scores are not comparable. Re-score one with 'lladav-eval run --scoring {baseRun.Scoring}'.");
        }

        var tasks = SelectTasks(baseRun, newRun, options.Tasks);
        var confidence = 1 - (options.Alpha / tasks.Length);
        var results = tasks.Select(t =>
        {
            var r = CompareTask(baseRun, newRun, t, options, confidence, paper);
            var verdict = !r.Significant ? Verdict.NoSignificantChange : r.Lower > 0 ? Verdict.Improved : Verdict.Regressed;
            return r with { AdjustedPValue = Math.Min(1, r.PValue * tasks.Length), Verdict = verdict, FailsGate = verdict == Verdict.Regressed && -r.DeltaPoints > options.MaxDrop };
        }).ToImmutableArray();

        // Without --tasks every shared task is compared; the others are named, not dropped silently.
        var (onlyBase, onlyNew) = options.Tasks is { Count: > 0 }
            ? (ImmutableArray<string>.Empty, ImmutableArray<string>.Empty)
            : ([.. baseRun.Tasks.Except(newRun.Tasks).Order(StringComparer.Ordinal)], [.. newRun.Tasks.Except(baseRun.Tasks).Order(StringComparer.Ordinal)]);
        var sample = tasks.Where(t => baseRun.IsSample(t) || newRun.IsSample(t)).ToImmutableArray();
        return new ComparisonResult(baseRun.Path, newRun.Path, baseRun.Label, newRun.Label, options, results, onlyBase, onlyNew, sample);
    }

    private static void Validate(CompareOptions o)
    {
        if (o.Alpha is <= 0 or >= 1)
        {
            throw new ConfigException($"--alpha {o.Alpha} must lie strictly between 0 and 1, e.g. 0.05.");
        }

        if (o.MaxDrop < 0)
        {
            throw new ConfigException($"--max-drop {o.MaxDrop} must be zero or more percentage points.");
        }

        if (o.BootstrapIterations < 100)
        {
            throw new ConfigException($"--bootstrap {o.BootstrapIterations} is too few resamples for a percentile interval; use at least 1000 (default 10000).");
        }
    }

    private static ImmutableArray<string> SelectTasks(RunDirectory baseRun, RunDirectory newRun, IReadOnlyList<string>? wanted)
    {
        var common = baseRun.Tasks.Intersect(newRun.Tasks).ToList();
        var tasks = wanted is { Count: > 0 } ? wanted.ToList() : common;
        foreach (var task in tasks)
        {
            if (!common.Contains(task))
            {
                throw new ConfigException($"Task '{task}' is not in both runs (BASE has {string.Join(", ", baseRun.Tasks)}; NEW has {string.Join(", ", newRun.Tasks)}). Pick shared tasks with --tasks.");
            }

            if (baseRun.Version(task) != newRun.Version(task))
            {
                // Name both files: a damaged results.json (an emptied version) must be findable from this line alone.
                throw new ConfigException($"Task '{task}' has version '{baseRun.Version(task)}' in BASE ({System.IO.Path.Combine(baseRun.Path, "results.json")}) but '{newRun.Version(task)}' in NEW ({System.IO.Path.Combine(newRun.Path, "results.json")}) (versions.{task}): the task's prompts or scoring changed, or a file was edited, so the runs are not comparable. Re-run BASE with the current task.");
            }

            if (DataIdentity(baseRun, task) is { } baseData && DataIdentity(newRun, task) is { } newData && baseData != newData)
            {
                throw new ConfigException(
                    $"Task '{task}' read different data: BASE {baseData} ({System.IO.Path.Combine(baseRun.Path, RunManifest.FileName)}), NEW {newData} ({System.IO.Path.Combine(newRun.Path, RunManifest.FileName)}) (tasks.{task}.dataset): " +
                    "scores over different files are not a paired comparison. Re-run BASE on the same dataset revision.");
            }
        }

        return tasks.Count == 0
            ? throw new ConfigException("The runs share no task. Compare runs of the same tasks.")
            : [.. tasks];
    }

    /// <summary>
    /// What a run read for a task, from manifests that record it (repository, revision, commit, the files' sha256):
    /// null for older runs, whose manifests have no file list.
    /// </summary>
    private static string? DataIdentity(RunDirectory run, string task) =>
        run.Manifest["tasks"]?[task]?["dataset"] is JsonObject d && d["files"] is JsonArray files
            ? $"{(string?)d["source"]} {(string?)d["repo_id"]}@{(string?)d["revision"] ?? "(copy)"} commit {(string?)d["commit"] ?? "-"}, files {string.Join(" ", files.Select(f => $"{(string?)f?["path"]}:{((string?)f?["sha256"])?[..12]}"))}"
            : null;

    private static TaskComparison CompareTask(RunDirectory baseRun, RunDirectory newRun, string task, CompareOptions options, double confidence, PaperReference? paper)
    {
        var metricKey = TaskScores.PrimaryMetric(baseRun, task, paper);
        var comma = metricKey.IndexOf(',', StringComparison.Ordinal);
        var (metric, filter) = (metricKey[..comma], metricKey[(comma + 1)..]);
        var a = Scores(baseRun, task, metric, filter);
        var b = Scores(newRun, task, metric, filter);
        var ids = a.Keys.Intersect(b.Keys).Order().ToList();
        if (ids.Count == 0)
        {
            throw new ConfigException($"Task '{task}': the runs share no scored doc_id, so there is nothing to pair. Compare runs over the same documents (same --limit and --shard).");
        }

        var differentDocs = ids.Where(id => a[id].Hash != b[id].Hash).Take(3).ToList();
        if (differentDocs.Count > 0)
        {
            throw new ConfigException($"Task '{task}': doc_id {string.Join(", ", differentDocs)} hold different documents in BASE and NEW (doc_hash differs in {System.IO.Path.Combine(baseRun.Path, $"samples_{task}.jsonl")} and {System.IO.Path.Combine(newRun.Path, $"samples_{task}.jsonl")}): the runs used different data (or a samples file was edited). Compare runs on the same dataset.");
        }

        var xs = ids.Select(id => a[id].Score).ToList();
        var ys = ids.Select(id => b[id].Score).ToList();
        var binary = xs.Concat(ys).All(s => s is 0 or 1);
        int rightToWrong = 0, wrongToRight = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            rightToWrong += xs[i] == 1 && ys[i] == 0 ? 1 : 0;
            wrongToRight += xs[i] == 0 && ys[i] == 1 ? 1 : 0;
        }

        double p, lower, upper;
        if (binary)
        {
            p = McNemar.ExactPValue(rightToWrong, wrongToRight);
            (lower, upper) = ExactPairedInterval.Delta(rightToWrong, wrongToRight, ids.Count, confidence);
            (lower, upper) = (lower * 100, upper * 100);
        }
        else
        {
            if (options.BootstrapIterations * (1 - confidence) / 2 < 1)
            {
                throw new ConfigException($"--bootstrap {options.BootstrapIterations} is too few resamples for a {confidence:P2} interval over these tasks: each tail needs at least one. Use at least {(int)Math.Ceiling(2 / (1 - confidence))}.");
            }

            var boot = PairedBootstrap.Run([.. xs.Select(x => x * 100)], [.. ys.Select(y => y * 100)], options.BootstrapIterations, options.Seed, confidence);
            (p, lower, upper) = (boot.PValue, boot.Lower, boot.Upper);
        }

        return new TaskComparison(
            task, metricKey, ids.Count, a.Count + b.Count - (2 * ids.Count), xs.Average() * 100, ys.Average() * 100,
            baseRun.Score(task, metricKey), newRun.Score(task, metricKey), lower, upper, confidence, binary, rightToWrong, wrongToRight, p, p, Verdict.NoSignificantChange, false);
    }

    private static Dictionary<int, (double Score, string? Hash)> Scores(RunDirectory run, string task, string metric, string filter)
    {
        var scores = new Dictionary<int, (double, string?)>();
        foreach (var record in run.Samples(task))
        {
            if ((string?)record["filter"] != filter || RecordStatus.IsUnscored(record) || !record.ContainsKey(metric))
            {
                continue;
            }

            var id = record["doc_id"] is JsonValue v && v.TryGetValue<int>(out var d) ? d : throw new DataException($"{run.Path}/samples_{task}.jsonl: a record has no integer doc_id.");
            try
            {
                scores[id] = (PerSampleScore.Score(task, metric, record[metric]), record["doc_hash"] is JsonValue h && h.TryGetValue<string>(out var hash) ? hash : null);
            }
            catch (DataException e)
            {
                throw new DataException($"{run.Path}/samples_{task}.jsonl, doc_id {id}: {e.Message}", e);
            }
        }

        return scores;
    }
}
