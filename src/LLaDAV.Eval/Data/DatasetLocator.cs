using System.Collections.Immutable;
using System.Security.Cryptography;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Data;

/// <summary>Where a task's split came from: the user's real data, or the task's embedded sample.</summary>
public enum DatasetSource
{
    Real,
    Sample,
}

/// <summary>A located split: its repository folder and the files holding the split, in read order.</summary>
public sealed record DatasetLocation(DatasetSource Source, string Root, ImmutableArray<string> Files)
{
    /// <summary>SHA-256 over each file's path (relative to the root), length and bytes: the manifest's data fingerprint.</summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(Root, file).Replace('\\', '/') + "\0"));
            using var stream = File.OpenRead(file);
            hash.AppendData(BitConverter.GetBytes(stream.Length));
            var buffer = new byte[1 << 20];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// Finds a task's split where Hugging Face puts it (DESIGN.md §3): <c>--data-dir/org/name/</c>, or the HF cache
/// <c>$HF_HOME/hub/datasets--org--name/snapshots/&lt;rev&gt;/</c>; falling back to the task's embedded sample
/// (<c>tasks/&lt;family&gt;/sample/org/name/</c>, same layout) only when the user named no data folder.
/// </summary>
public sealed class DatasetLocator(string? dataDir, string? hfHome, IReadOnlyList<IDatasetFileReader> readers)
{
    /// <summary>The orgs lmms-eval moved datasets between (LMMS-EVAL.md first table, commit 4be7ee0e): same content.</summary>
    private static readonly string[] s_lmmsOrgs = ["lmms-lab", "lmms-lab-encoder", "lmms-eval"];

    /// <summary>
    /// The locator a run uses: an explicit data folder is the only place looked at (so a typo fails instead of
    /// silently falling back to the sample); without one, the HF cache and then the embedded sample.
    /// </summary>
    public static DatasetLocator ForRun(string? dataDir, IReadOnlyList<IDatasetFileReader> readers) =>
        new(dataDir, dataDir is null ? DefaultHfHome() : null, readers);

    public static string? DefaultHfHome() =>
        Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } h ? h
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? Path.Combine(x, "huggingface")
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache", "huggingface")
        : null;

    public DatasetLocation Locate(TaskSpec spec)
    {
        var searched = new List<string>();
        foreach (var repo in RepoIds(spec.DatasetPath))
        {
            var roots = new List<string>();
            if (dataDir is not null)
            {
                roots.Add(Path.Combine(dataDir, repo));
            }
            else if (hfHome is not null && Snapshot(Path.Combine(hfHome, "hub", "datasets--" + repo.Replace("/", "--", StringComparison.Ordinal))) is { } snap)
            {
                roots.Add(snap);
            }

            foreach (var root in roots)
            {
                searched.Add(root);
                if (SplitFiles(root, spec) is { Length: > 0 } files)
                {
                    return new DatasetLocation(DatasetSource.Real, root, files);
                }
            }
        }

        if (dataDir is not null)
        {
            throw new DataException(
                $"Task '{spec.Name}': no '{spec.Split}' split of {spec.DatasetPath}{(spec.DatasetName is null ? "" : $" (config '{spec.DatasetName}')")} under --data-dir. " +
                $"Searched: {string.Join(", ", searched)}. Put the HF snapshot there (files like data/{spec.Split}-00000-of-00001.parquet), or omit --data-dir to use the embedded sample.");
        }

        var sampleRoot = Path.Combine(spec.Directory, "sample", spec.DatasetPath);
        if (SplitFiles(sampleRoot, spec) is { Length: > 0 } sample)
        {
            return new DatasetLocation(DatasetSource.Sample, sampleRoot, sample);
        }

        throw new DataException(
            $"Task '{spec.Name}': no data found for {spec.DatasetPath} split '{spec.Split}'. Searched the HF cache ({(hfHome is null ? "no HF_HOME" : Path.Combine(hfHome, "hub"))}) and the embedded sample {sampleRoot}. " +
            "Pass --data-dir DIR holding org/name/ snapshot folders, or set HF_HOME.");
    }

    private static IEnumerable<string> RepoIds(string datasetPath)
    {
        yield return datasetPath;
        var slash = datasetPath.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && s_lmmsOrgs.Contains(datasetPath[..slash]))
        {
            foreach (var org in s_lmmsOrgs.Where(o => o != datasetPath[..slash]))
            {
                yield return org + datasetPath[slash..];
            }
        }
    }

    /// <summary>The snapshot <c>refs/main</c> points at, else the only (or ordinally last) snapshot.</summary>
    private static string? Snapshot(string cacheRepo)
    {
        var snapshots = Path.Combine(cacheRepo, "snapshots");
        if (!Directory.Exists(snapshots))
        {
            return null;
        }

        var refMain = Path.Combine(cacheRepo, "refs", "main");
        if (File.Exists(refMain) && File.ReadAllText(refMain).Trim() is { Length: > 0 } rev && Directory.Exists(Path.Combine(snapshots, rev)))
        {
            return Path.Combine(snapshots, rev);
        }

        return Directory.GetDirectories(snapshots).Order(StringComparer.Ordinal).LastOrDefault();
    }

    private ImmutableArray<string> SplitFiles(string root, TaskSpec spec)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var split = spec.Split;
        IEnumerable<(string, bool)> folders = spec.DatasetName is { } config
            ? new[] { (Path.Combine(root, config), true), (Path.Combine(root, "data", config), true), (Path.Combine(root, config, split), false) }
            : new[] { (Path.Combine(root, "data"), true), (root, true), (Path.Combine(root, "data", split), false), (Path.Combine(root, split), false) }
                .Concat(OneLevelDown(root));
        foreach (var (folder, prefixed) in folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            var files = Directory.EnumerateFiles(folder)
                .Where(f => readers.Any(r => r.CanRead(f)))
                .Where(f => !prefixed || IsSplitFile(Path.GetFileName(f), split))
                .Order(StringComparer.Ordinal)
                .ToImmutableArray();
            if (files.Length > 0)
            {
                return files;
            }
        }

        // A repository that keeps each config in one JSON file (OpenGVLab/MVBench: json/<config>.json).
        if (spec.DatasetName is { } name && Path.Combine(root, "json", name + ".json") is var json && File.Exists(json) && readers.Any(r => r.CanRead(json)))
        {
            return [json];
        }

        return [];
    }

    /// <summary>
    /// Repositories whose only config keeps its split in a named folder (<c>lmms-lab/Video-MME</c>:
    /// <c>videomme/test-*.parquet</c>; <c>sy1998/MLVU_dev</c>: <c>mlvu/test-*.parquet</c>): each subfolder, in name order.
    /// </summary>
    private static IEnumerable<(string, bool)> OneLevelDown(string root) => Directory.Exists(root)
        ? Directory.EnumerateDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(d => (d, true))
        : [];

    /// <summary><c>test-00000-of-00002.parquet</c>, <c>test.jsonl</c>: the HF hub's split file names.</summary>
    private static bool IsSplitFile(string name, string split)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var stem = dot < 0 ? name : name[..dot];
        return stem == split || stem.StartsWith(split + "-", StringComparison.Ordinal);
    }
}
