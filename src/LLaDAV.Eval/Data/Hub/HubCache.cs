using System.Text.RegularExpressions;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>A repository revision found in a hub cache: the snapshot folder and the commit it belongs to.</summary>
public sealed record HubSnapshot(string RepoId, string Revision, string Commit, string Folder);

/// <summary>
/// The Hugging Face hub cache as <c>huggingface_hub</c> writes and reads it (<c>constants.py</c> for the folders;
/// <c>file_download.py</c> <c>try_to_load_from_cache</c> / <c>_hf_hub_download_to_cache_dir</c> for revisions):
/// <c>$HF_HUB_CACHE</c> (else <c>$HF_HOME/hub</c>) / <c>datasets--{org}--{name}</c> / <c>refs/{revision}</c> (a file
/// holding the commit) and <c>snapshots/{commit}/…</c> (files, usually symlinks into <c>blobs/</c>). A revision that
/// is a 40-hex commit names its snapshot folder directly; any other is looked up in <c>refs/</c>.
/// </summary>
public static partial class HubCache
{
    /// <summary><c>HF_HOME</c>, else <c>$XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c> (huggingface_hub <c>constants.HF_HOME</c>).</summary>
    public static string? DefaultHfHome() =>
        Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } h ? h
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? Path.Combine(x, "huggingface")
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache", "huggingface")
        : null;

    /// <summary><c>HF_HUB_CACHE</c> (or the legacy <c>HUGGINGFACE_HUB_CACHE</c>), else <c>$HF_HOME/hub</c>.</summary>
    public static string? DefaultHubCache() =>
        Environment.GetEnvironmentVariable("HF_HUB_CACHE") is { Length: > 0 } c ? c
        : Environment.GetEnvironmentVariable("HUGGINGFACE_HUB_CACHE") is { Length: > 0 } legacy ? legacy
        : DefaultHfHome() is { } home ? Path.Combine(home, "hub")
        : null;

    /// <summary><c>datasets--org--name</c> (huggingface_hub <c>repo_folder_name</c>).</summary>
    public static string RepoFolder(string hubCache, string repoId) =>
        Path.Combine(hubCache, "datasets--" + repoId.Replace("/", "--", StringComparison.Ordinal));

    /// <summary>
    /// The snapshot of <paramref name="revision"/>, or null when the repository has no cache folder at all.
    /// A folder that exists but lacks the revision is an error naming the revisions it has and the download line.
    /// </summary>
    public static HubSnapshot? Find(string hubCache, string repoId, string revision)
    {
        var folder = RepoFolder(hubCache, repoId);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string? commit = null;
        if (CommitHash().IsMatch(revision))
        {
            commit = revision;
        }
        else if (RefFile(folder, revision) is { } refFile && File.Exists(refFile))
        {
            commit = ReadRef(refFile);
        }

        if (commit is not null && Directory.Exists(Path.Combine(folder, "snapshots", commit)))
        {
            return new HubSnapshot(repoId, revision, commit, Path.Combine(folder, "snapshots", commit));
        }

        var refs = Refs(folder);
        throw new DataException(
            $"{repoId}: the hub cache holds the repository ({folder}) but not its revision '{revision}'" +
            (commit is null ? "" : $" (refs/{revision} points at {commit}, which has no snapshot folder)") +
            $". Revisions there: {(refs.Count == 0 ? "none" : string.Join(", ", refs.Select(r => $"{r.Name} -> {r.Commit}")))}. " +
            $"Fetch it: {DownloadCommand(repoId, revision)}");
    }

    /// <summary>The <c>huggingface-cli download</c> line that fills the cache with <paramref name="revision"/> of a dataset.</summary>
    public static string DownloadCommand(string repoId, string revision) =>
        $"huggingface-cli download --repo-type dataset {repoId}" + (revision == "main" ? "" : $" --revision {revision}");

    /// <summary>The named refs of a cached repository (<c>refs/main</c>, <c>refs/video</c>, <c>refs/refs/convert/parquet</c>...).</summary>
    public static IReadOnlyList<(string Name, string Commit)> Refs(string repoFolder)
    {
        var refs = Path.Combine(repoFolder, "refs");
        if (!Directory.Exists(refs))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(refs, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 8, AttributesToSkip = 0 })
            .Select(f => (Path.GetRelativePath(refs, f).Replace('\\', '/'), ReadRef(f)))
            .Order()];
    }

    private static string? RefFile(string folder, string revision)
    {
        // A revision is a branch or tag name; it never climbs out of refs/.
        if (revision.Length == 0 || revision.Split('/').Any(p => p is "" or "." or ".."))
        {
            return null;
        }

        return Path.Combine(folder, "refs", revision);
    }

    private static string ReadRef(string file)
    {
        var info = new FileInfo(file);
        if (info.Length > 4096)
        {
            throw new DataException($"{file}: a refs file holds one commit hash; this one is {info.Length} bytes. Delete it and download again.");
        }

        return File.ReadAllText(file).Trim();
    }

    /// <summary>huggingface_hub <c>REGEX_COMMIT_HASH</c>.</summary>
    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();
}
