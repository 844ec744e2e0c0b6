using System.Security.Cryptography;
using System.Text;

namespace LLaDAV.Eval.Testing;

/// <summary>
/// Writes a dataset repository into a hub cache folder exactly as <c>huggingface_hub</c> lays it out
/// (huggingface_hub <c>file_download.py</c>: <c>_create_symlink</c>, <c>_cache_commit_hash_for_specific_revision</c>;
/// the "Manage the cache" guide): content in <c>blobs/&lt;hash&gt;</c> (the sha256 for LFS files), each snapshot file
/// a RELATIVE symlink <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> → <c>../../blobs/&lt;hash&gt;</c> (one more <c>../</c> per
/// folder level), and <c>refs/&lt;revision&gt;</c> holding the commit without a newline.
/// </summary>
internal sealed class HubCacheBuilder(string hubCache, string repoId)
{
    public string RepoFolder { get; } = Path.Combine(hubCache, "datasets--" + repoId.Replace("/", "--", StringComparison.Ordinal));

    /// <summary>A deterministic 40-hex commit for a test revision.</summary>
    public static string CommitFor(string label) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(label)));

    /// <summary>Writes <paramref name="files"/> (path → bytes) as the snapshot <paramref name="commit"/> and points <paramref name="revision"/> at it.</summary>
    public string Snapshot(string commit, IReadOnlyDictionary<string, byte[]> files, string? revision = "main")
    {
        var snapshot = Path.Combine(RepoFolder, "snapshots", commit);
        foreach (var (path, bytes) in files)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var blob = Path.Combine(RepoFolder, "blobs", hash);
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            File.WriteAllBytes(blob, bytes);
            var link = Path.Combine(snapshot, path);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            var depth = path.Count(c => c == '/');
            File.CreateSymbolicLink(link, string.Concat(Enumerable.Repeat("../", depth + 2)) + "blobs/" + hash);
        }

        if (revision is not null)
        {
            Ref(revision, commit);
        }

        return snapshot;
    }

    public void Ref(string revision, string commit)
    {
        var file = Path.Combine(RepoFolder, "refs", revision);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, commit);
    }

    /// <summary>The files of a folder (e.g. an embedded sample snapshot) as path → bytes, with <c>/</c> separators.</summary>
    public static Dictionary<string, byte[]> FilesOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
}
