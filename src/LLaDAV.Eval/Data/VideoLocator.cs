using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Data;

/// <summary>
/// Finds a video task's file for one doc (issue 4 item 3). The family names the file relative to a video root
/// (e.g. VideoMME <c>data/{videoID}.mp4</c>); this class decides which roots to try, in order:
/// <list type="number">
/// <item>the dataset snapshot the doc was read from (the folder <c>org/name/</c> above its split file, or the HF
/// cache <c>snapshots/&lt;rev&gt;/</c> folder): zip-extracted videos beside the parquet (docs/ARCHITECTURE.md §3). For the
/// embedded sample this is the only root, so a sample never picks up real files.</item>
/// <item>the other snapshots of the same HF cache repository (MVBench keeps its videos in revision <c>video</c>,
/// a sibling snapshot of the one holding the json).</item>
/// <item><c>&lt;data-dir&gt;/&lt;cache_dir&gt;</c>, when the doc came from <c>--data-dir/org/name</c> and the task has
/// <c>dataset_kwargs.cache_dir</c>.</item>
/// <item><c>$HF_HOME/&lt;cache_dir&gt;</c>: where lmms-eval downloads and unzips video datasets
/// (docs/LMMS-EVAL.md §1.12; e.g. <c>tasks/videomme/utils.py</c> joins <c>HF_HOME</c> and the YAML's cache_dir).</item>
/// </list>
/// A path counts as found when it is a file or a folder (MVBench's episodic_reasoning ships frame folders).
/// </summary>
public sealed class VideoLocator(string? hfHome)
{
    /// <summary>A locator reading <c>HF_HOME</c> (else <c>XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c>).</summary>
    public static VideoLocator FromEnvironment() => new(DatasetLocator.DefaultHfHome());

    public string? HfHome => hfHome;

    /// <summary>
    /// The first existing <c>root/relative</c> over the roots (outer loop) and <paramref name="relativePaths"/>
    /// (inner loop, the family's order). Throws <see cref="MissingMediaException"/> naming every path tried.
    /// </summary>
    public VideoRef Locate(Doc doc, TaskSpec spec, IReadOnlyList<string> relativePaths)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(relativePaths);
        var searched = new List<string>();
        foreach (var root in Roots(doc, spec))
        {
            foreach (var relative in relativePaths)
            {
                var candidate = Path.GetFullPath(Path.Combine(root, relative));
                if (searched.Contains(candidate, StringComparer.Ordinal))
                {
                    continue;
                }

                searched.Add(candidate);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return new VideoRef(candidate, [.. searched]);
                }
            }
        }

        var cacheDir = CacheDir(spec);
        throw new MissingMediaException(
            $"Task '{spec.Name}': video '{relativePaths.FirstOrDefault()}' was not found. Searched: {string.Join(", ", searched)}. " +
            (cacheDir is null
                ? "Extract the dataset's video archives beside its split files"
                : $"Extract the dataset's video archives into $HF_HOME/{cacheDir} (lmms-eval's layout) or beside its split files") +
            ", or pass --skip-missing-media to record such samples as skipped.",
            searched);
    }

    /// <summary>The roots searched for <paramref name="doc"/>, in order (see the class summary).</summary>
    public IReadOnlyList<string> Roots(Doc doc, TaskSpec spec)
    {
        var roots = new List<string>();
        var snapshot = SnapshotRoot(doc.SourceDirectory, spec.DatasetPath);
        roots.Add(snapshot);
        if (IsEmbeddedSample(doc, spec))
        {
            return roots;
        }

        var parent = Path.GetDirectoryName(snapshot);
        if (parent is not null && Path.GetFileName(parent) == "snapshots" && Directory.Exists(parent))
        {
            roots.AddRange(Directory.GetDirectories(parent).Order(StringComparer.Ordinal).Where(d => !SamePath(d, snapshot)));
        }

        var cacheDir = CacheDir(spec);
        if (cacheDir is not null)
        {
            if (parent is not null && Path.GetFileName(parent) != "snapshots" && Path.GetDirectoryName(parent) is { } dataDir)
            {
                roots.Add(Path.Combine(dataDir, cacheDir));
            }

            if (!string.IsNullOrEmpty(hfHome))
            {
                roots.Add(Path.Combine(hfHome, cacheDir));
            }
        }

        return roots;
    }

    /// <summary><c>dataset_kwargs.cache_dir</c>: the folder under HF_HOME where lmms-eval unpacks the videos.</summary>
    public static string? CacheDir(TaskSpec spec) =>
        spec.DatasetKwargs.TryGetValue("cache_dir", out var v) && v is string { Length: > 0 } s ? s : null;

    /// <summary>True when the doc was read from the task's embedded <c>sample/</c> folder.</summary>
    public static bool IsEmbeddedSample(Doc doc, TaskSpec spec)
    {
        var sample = Path.GetFullPath(Path.Combine(spec.Directory, "sample")) + Path.DirectorySeparatorChar;
        return (Path.GetFullPath(doc.SourceDirectory) + Path.DirectorySeparatorChar).StartsWith(sample, StringComparison.Ordinal);
    }

    /// <summary>
    /// The repository folder above a split file: the nearest ancestor that is an HF cache snapshot
    /// (<c>snapshots/&lt;rev&gt;</c>) or is named <c>org/name</c> after the dataset (any lmms-eval org alias);
    /// the split file's own folder when neither exists.
    /// </summary>
    public static string SnapshotRoot(string sourceDirectory, string datasetPath)
    {
        var slash = datasetPath.IndexOf('/', StringComparison.Ordinal);
        var org = slash > 0 ? datasetPath[..slash] : "";
        var name = slash > 0 ? datasetPath[(slash + 1)..] : datasetPath;
        var orgs = DatasetLocator.LmmsOrgs.Contains(org) ? DatasetLocator.LmmsOrgs : [org];
        var start = Path.GetFullPath(sourceDirectory);
        for (var dir = new DirectoryInfo(start); dir?.Parent is not null; dir = dir.Parent)
        {
            if (dir.Parent.Name == "snapshots" || (dir.Name == name && orgs.Contains(dir.Parent.Name)))
            {
                return dir.FullName;
            }
        }

        return start;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
