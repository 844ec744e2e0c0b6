using System.Collections.Immutable;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Scaling;

/// <summary>One task of a run as the planner sees it: its effective doc count and an estimated cost per doc.</summary>
public sealed record TaskWork(string Task, int Docs, double CostPerDoc);

/// <summary>
/// The fixed shard set of a scaled-out run and the order the launcher hands shards to workers. <see cref="Count"/>
/// is the N of <c>--shard K/N</c>; <see cref="Order"/> lists K longest-first by <see cref="Costs"/>.
/// </summary>
public sealed record ShardPlan(int Count, ImmutableArray<int> Order, ImmutableArray<double> Costs);

/// <summary>
/// Chooses N and the hand-out order. The shard contract (strided, fixed N) is what keeps results byte-identical, so
/// balancing never moves a document between shards: it only uses more shards than workers (N = k × workers) and
/// hands them out longest-first to whichever worker frees up (Graham's LPT rule: the tail after the last hand-out is
/// at most one shard, which is 1/k of a worker's share). Each shard is one more process and model load, so k stays small.
/// </summary>
public static class ShardPlanner
{
    /// <summary>Docs of a task with <paramref name="docs"/> effective docs that shard K/N owns (i mod N == K).</summary>
    public static int Owned(int docs, int index, int count) => docs <= index ? 0 : ((docs - 1 - index) / count) + 1;

    public static ShardPlan Plan(IReadOnlyList<TaskWork> work, int workers, int shardsPerWorker)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerWorker, 1);

        // More shards than the largest task has docs would only add empty shards (a process and a model load each).
        var maxDocs = work.Count == 0 ? 1 : Math.Max(1, work.Max(w => w.Docs));
        var count = Math.Min(workers * shardsPerWorker, maxDocs);
        return ForCount(work, count);
    }

    /// <summary>The plan for a given N (Slurm: N array tasks; a resumed launch: the N it started with).</summary>
    public static ShardPlan ForCount(IReadOnlyList<TaskWork> work, int count)
    {
        var costs = Enumerable.Range(0, count)
            .Select(k => work.Sum(w => Owned(w.Docs, k, count) * w.CostPerDoc))
            .ToImmutableArray();

        // Longest first; ties by index so the order is deterministic.
        var order = Enumerable.Range(0, count).OrderByDescending(k => costs[k]).ThenBy(k => k).ToImmutableArray();
        return new ShardPlan(count, order, costs);
    }

    /// <summary>
    /// The run's tasks with their effective doc counts (after process_docs and --limit, as the runner counts) and a
    /// cost per doc: forward passes of the language model, which dominate: the diffusion sampler's <c>steps</c>, else
    /// the autoregressive <c>max_new_tokens</c> (an upper bound), else <c>gen_length</c>; plus one for the prompt.
    /// </summary>
    public static IReadOnlyList<TaskWork> Estimate(Running.RunConfig config, TaskCatalog catalog, IReadOnlyList<IDatasetFileReader> readers, IProgress<Data.Hub.HubTransferProgress>? download = null)
    {
        var documents = new Running.TaskDocuments(readers);
        var factory = Backends.BackendRegistry.Default.Get(config.Model);
        var args = new Models.Backends.ModelArgs(Running.KeyValueList.Parse(config.ModelArgs, "--model-args"));
        var locator = DatasetLocator.ForRun(config.DataDir, readers, factory.MayUseSampleData(args));
        if (!factory.MayUseSampleData(args) && config.DataDir is null)
        {
            // Fetched once here, before the shards start, rather than by every shard at the same time (issue 30).
            DatasetPull.EnsureAsync(catalog.Expand(config.Tasks), locator, () => Data.Hub.HubSettings.FromEnvironment(), download, CancellationToken.None).GetAwaiter().GetResult();
        }

        return [.. catalog.Expand(config.Tasks).Select(task =>
        {
            var docs = Running.TaskDocuments.Effective(documents.Count(task, locator.Locate(task.Spec)), config.Limit);
            var kwargs = Running.RunPlanner.GenerationKwargsFor(task, config, factory.PromptModel(args));
            var passes = kwargs.GetInt("steps", kwargs.GetInt("max_new_tokens", kwargs.GetInt("gen_length", 16)));
            return new TaskWork(task.Name, docs, 1 + Math.Max(1, passes));
        })];
    }
}
