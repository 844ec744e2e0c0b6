using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Data;

/// <summary>Where a task's split came from: the user's real data, or the task's embedded sample.</summary>
public enum DatasetSource
{
    Real,
    Sample,
}

/// <summary>One data file of a located split: its path relative to the repository folder, size and content hash.</summary>
public sealed record DataFileDigest(string Path, long Size, string Sha256);

/// <summary>
/// A located split: the repository folder (a hub cache snapshot, a <c>--data-dir</c> copy or an embedded sample),
/// the files holding the split in read order, and where they came from (repo id, revision, commit, config, and how
/// the files were chosen).
/// </summary>
public sealed record DatasetLocation(DatasetSource Source, string Root, ImmutableArray<string> Files)
{
    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), string> s_hashes = new();

    public string? RepoId { get; init; }

    /// <summary>The revision asked for (<c>dataset_kwargs.revision</c>, default <c>main</c>); null for a <c>--data-dir</c> copy.</summary>
    public string? Revision { get; init; }

    /// <summary>The commit the snapshot belongs to (hub cache and samples); null for a <c>--data-dir</c> copy.</summary>
    public string? Commit { get; init; }

    public string? Config { get; init; }

    /// <summary>How the files were chosen (card configs or datasets' default patterns).</summary>
    public string How { get; init; } = "";

    /// <summary>Each file's relative path, size and sha256 (hashed once per process and file version).</summary>
    public ImmutableArray<DataFileDigest> Digests() =>
        [.. Files.Select(f => new DataFileDigest(System.IO.Path.GetRelativePath(Root, f).Replace('\\', '/'), Content(f).Length, Sha256(f)))];

    /// <summary>The file a snapshot entry stands for: itself, or (hub caches) the blob its symlink points at.</summary>
    public static FileInfo Content(string file)
    {
        var info = new FileInfo(file);
        if (info.LinkTarget is null)
        {
            return info;
        }

        return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target
            ? target
            : throw new DataException($"{file}: a snapshot symlink whose blob is missing (an interrupted download or a half-cleaned cache). Download the file again (huggingface-cli download).");
    }

    /// <summary>SHA-256 over each file's relative path, size and sha256: the manifest's data fingerprint.</summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var d in Digests())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{d.Path}\0{d.Size}\0{d.Sha256}\n"));
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Sha256(string file)
    {
        var info = Content(file);
        return s_hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), key =>
        {
            using var stream = File.OpenRead(key.Path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}

/// <summary>
/// Finds a task's split where and as Hugging Face <c>datasets</c> finds it (docs/ARCHITECTURE.md §3): the repository is
/// a <c>--data-dir/org/name/</c> copy, or the hub cache's snapshot of the YAML's <c>dataset_kwargs.revision</c>
/// (<see cref="HubCache"/>); its files come from the card's <c>configs:</c> or datasets' default patterns
/// (<see cref="DataFilesResolver"/>). The task's embedded sample (<c>tasks/&lt;family&gt;/sample/hub/</c>, a hub
/// cache of its own) is used only when <paramref name="allowSample"/> (the demo checkpoint, replay, listing verbs)
/// and no copy of the dataset exists at all. A copy that exists but does not resolve is an error, never the sample.
/// </summary>
public sealed class DatasetLocator(string? dataDir, string? hubCache, IReadOnlyList<IDatasetFileReader> readers, bool allowSample = true)
{
    /// <summary>The orgs lmms-eval moved datasets between (docs/LMMS-EVAL.md, lmms-eval commit 4be7ee0e): same content.</summary>
    internal static readonly string[] LmmsOrgs = ["lmms-lab", "lmms-lab-encoder", "lmms-eval"];

    /// <summary>
    /// The locator a run uses: an explicit data folder is the only place looked at (so a typo fails instead of
    /// silently falling back to the sample); without one, the hub cache; the sample only when <paramref name="allowSample"/>.
    /// </summary>
    public static DatasetLocator ForRun(string? dataDir, IReadOnlyList<IDatasetFileReader> readers, bool allowSample = true) =>
        new(dataDir, dataDir is null ? HubCache.DefaultHubCache() : null, readers, allowSample);

    public static string? DefaultHfHome() => HubCache.DefaultHfHome();

    /// <summary><c>dataset_kwargs.revision</c>, else <c>main</c> (lmms-eval passes it to <c>load_dataset</c>).</summary>
    public static string Revision(TaskSpec spec) =>
        spec.DatasetKwargs.TryGetValue("revision", out var r) && r is not null && Convert.ToString(r, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } s ? s : "main";

    /// <summary>The embedded sample of a task: a hub cache laid out as the real repository's.</summary>
    public static string SampleCache(TaskSpec spec) => Path.Combine(spec.Directory, "sample", "hub");

    public string? HubCacheRoot => hubCache;

    public string? DataDir => dataDir;

    public DatasetLocation Locate(TaskSpec spec)
    {
        var revision = Revision(spec);
        var searched = new List<string>();
        if (dataDir is not null)
        {
            foreach (var repo in RepoIds(spec.DatasetPath))
            {
                var root = Path.Combine(dataDir, repo);
                searched.Add(root);
                if (Directory.Exists(root))
                {
                    return Resolve(spec, DatasetSource.Real, root, repo, null, null);
                }
            }

            throw new DatasetMissingException(
                $"Task '{spec.Name}': {spec.DatasetPath} is not under --data-dir (searched {string.Join(", ", searched)}). " +
                $"Put a copy of the repository there: {HubCache.DownloadCommand(spec.DatasetPath, revision)} --local-dir {Path.Combine(dataDir, spec.DatasetPath)}; or leave out --data-dir to read the hub cache.");
        }

        if (hubCache is not null)
        {
            foreach (var repo in RepoIds(spec.DatasetPath))
            {
                searched.Add(HubCache.RepoFolder(hubCache, repo));
                if (HubCache.Find(hubCache, repo, revision) is { } snapshot)
                {
                    return Resolve(spec, DatasetSource.Real, snapshot.Folder, repo, revision, snapshot.Commit);
                }
            }
        }

        if (allowSample && HubCache.Find(SampleCache(spec), spec.DatasetPath, revision) is { } sample)
        {
            return Resolve(spec, DatasetSource.Sample, sample.Folder, spec.DatasetPath, revision, sample.Commit);
        }

        throw new DatasetMissingException(
            $"Task '{spec.Name}': {spec.DatasetPath} (revision {revision}) is not on this machine: " +
            (hubCache is null ? "no hub cache is configured (set HF_HOME or HF_HUB_CACHE)" : $"not in the hub cache ({string.Join(", ", searched)})") + ". " +
            $"Download it: lladav-eval data pull --tasks {spec.Name}, or {HubCache.DownloadCommand(spec.DatasetPath, revision)} (or pass --data-dir DIR holding org/name copies)." +
            (allowSample ? "" : " The embedded sample data serves only the demo checkpoint and --model replay, never a real checkpoint."));
    }

    private DatasetLocation Resolve(TaskSpec spec, DatasetSource source, string root, string repo, string? revision, string? commit)
    {
        var where = $"Task '{spec.Name}': {repo}{(revision is null ? "" : "@" + revision)}{(commit is null || commit == revision ? "" : $" (commit {commit})")} at {root}";
        var split = DataFilesResolver.Resolve(root, DatasetCard.Load(root), spec.DatasetName, spec.Split, where);
        if (split.Files.FirstOrDefault(f => !readers.Any(r => r.CanRead(f))) is { } unreadable)
        {
            throw new DataException($"{where}: no reader for {unreadable}.");
        }

        return new DatasetLocation(source, root, split.Files)
        {
            RepoId = repo,
            Revision = revision,
            Commit = commit,
            Config = split.Config,
            How = split.How,
        };
    }

    private static IEnumerable<string> RepoIds(string datasetPath)
    {
        yield return datasetPath;
        var slash = datasetPath.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && LmmsOrgs.Contains(datasetPath[..slash]))
        {
            foreach (var org in LmmsOrgs.Where(o => o != datasetPath[..slash]))
            {
                yield return org + datasetPath[slash..];
            }
        }
    }
}
