using System.Collections.Immutable;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Data;

/// <summary>What a pull fetched for one task: the repository revision, its commit, and the files the task needs.</summary>
public sealed record PulledTask(string Task, string RepoId, string Revision, string Commit, ImmutableArray<string> Files, string How);

/// <summary>
/// Fetches what tasks need from the Hub into the hub cache, and no more: per repository revision, the card
/// (<c>README.md</c>, <c>.huggingface.yaml</c>), then the files each task's config and split resolve to over the
/// Hub's file list (<see cref="DataFilesResolver"/>, the rules <c>datasets</c> applies to the same list online); for a
/// video task (<c>dataset_kwargs.video</c>) every file of the revision, as lmms-eval's <c>snapshot_download</c> does
/// for it (lmms-eval 75571cf <c>api/task.py</c> <c>ConfigurableTask.download</c>) so the media archives are there to
/// unpack. <c>refs/&lt;revision&gt;</c> is written last, once every file is in place.
/// </summary>
public static class DatasetPull
{
    /// <summary>
    /// Before a run of a real checkpoint or a served model: the tasks whose data the locator cannot find are pulled
    /// (not offline); with <c>HF_HUB_OFFLINE</c> set, the first such task is an error saying what is missing and how
    /// to fetch it elsewhere. No Hub client exists unless something is missing and the process is online.
    /// </summary>
    public static async Task EnsureAsync(IReadOnlyList<TaskDefinition> tasks, DatasetLocator locator, Func<HubSettings> settings, IProgress<HubTransferProgress>? progress, CancellationToken ct)
    {
        var missing = new List<(TaskDefinition Task, DataException Error)>();
        foreach (var task in tasks)
        {
            try
            {
                locator.Locate(task.Spec);
            }
            catch (DataException e)
            {
                missing.Add((task, e));
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        if (HubSettings.OfflineFromEnvironment())
        {
            var names = string.Join(",", missing.Select(m => m.Task.Name));
            throw new DatasetMissingException(
                $"{missing[0].Error.Message}\nHF_HUB_OFFLINE is set, so nothing is downloaded. Missing: {string.Join("; ", missing.Select(m => $"{m.Task.Name} ({m.Task.Spec.DatasetPath}@{DatasetLocator.Revision(m.Task.Spec)})"))}. " +
                $"Fetch them where there is network with `lladav-eval data pull --tasks {names}` into the same HF_HOME (or HF_HUB_CACHE), or unset HF_HUB_OFFLINE.");
        }

        var hub = settings();
        using var client = new HubClient(hub);
        await PullAsync([.. missing.Select(m => m.Task.Spec)], new HubDownloader(hub, client, progress), ct).ConfigureAwait(false);
    }

    /// <summary>Pulls every task's files (grouped per repository revision, one listing each).</summary>
    public static async Task<IReadOnlyList<PulledTask>> PullAsync(IReadOnlyList<TaskSpec> specs, HubDownloader downloader, CancellationToken ct)
    {
        var pulled = new List<PulledTask>();
        foreach (var group in specs.GroupBy(s => (s.DatasetPath, Revision: DatasetLocator.Revision(s))).OrderBy(g => g.Key.DatasetPath, StringComparer.Ordinal).ThenBy(g => g.Key.Revision, StringComparer.Ordinal))
        {
            var (repoId, revision) = group.Key;
            var info = await downloader.RepoInfoAsync(repoId, revision, ct).ConfigureAwait(false);
            var listing = info.Siblings.Select(s => s.Path).ToImmutableArray();
            var cardFiles = listing.Where(p => p is "README.md" or ".huggingface.yaml").ToList();
            downloader.Begin($"{repoId}@{revision} card", cardFiles.Count, info.Siblings.Where(s => cardFiles.Contains(s.Path)).Sum(s => s.Size ?? 0));
            await downloader.DownloadAsync(info, cardFiles, ct).ConfigureAwait(false);
            var snapshot = downloader.SnapshotFolder(repoId, info.Commit);
            var card = DatasetCard.Load(snapshot);

            var needed = new SortedSet<string>(cardFiles, StringComparer.Ordinal);
            var perTask = new List<(TaskSpec Spec, ImmutableArray<string> Files, string How)>();
            foreach (var spec in group)
            {
                var where = $"Task '{spec.Name}': {repoId}@{revision} (commit {info.Commit}) on {downloader.Settings.Endpoint}";
                ImmutableArray<string> files;
                string how;
                if (IsVideo(spec))
                {
                    files = listing;
                    how = "every file of the revision (a video task: lmms-eval's snapshot_download)";
                }
                else
                {
                    var split = DataFilesResolver.Resolve(snapshot, listing, card, spec.DatasetName, spec.Split, where);
                    files = [.. split.Files.Select(f => Path.GetRelativePath(snapshot, f).Replace('\\', '/'))];
                    how = split.How;
                }

                needed.UnionWith(files);
                perTask.Add((spec, files, how));
            }

            var data = needed.Except(cardFiles).ToList();
            downloader.Begin($"{repoId}@{revision}", data.Count, info.Siblings.Where(s => data.Contains(s.Path)).Sum(s => s.Size ?? 0));
            await downloader.DownloadAsync(info, data, ct).ConfigureAwait(false);
            downloader.End();
            downloader.WriteRef(repoId, revision, info.Commit);
            pulled.AddRange(perTask.Select(t => new PulledTask(t.Spec.Name, repoId, revision, info.Commit, t.Files, t.How)));
        }

        return pulled;
    }

    private static bool IsVideo(TaskSpec spec) => MediaArchives.IsTrue(spec.DatasetKwargs.GetValueOrDefault("video"));
}
