namespace LLaDAV.Eval.Data;

/// <summary>
/// Where an image path read from a dataset row may point (issue 23 §3): inside the dataset's root folder only. A
/// relative path starts at the row's data file and must resolve inside the root; an absolute path must already lie
/// inside the root (a <c>..</c> that stays inside is the dataset's own layout). Anything else is refused with the row's file and column, never normalised into a different path
/// and never opened: a dataset row must not read <c>/etc/passwd</c> or another user's files. The check is lexical
/// (HF cache snapshots are symbolic links into <c>blobs/</c>, which lie outside the snapshot folder by design).
/// </summary>
public static class MediaPath
{
    /// <summary>The full path of a media file named in <paramref name="doc"/>'s <paramref name="column"/>; null for no path.</summary>
    /// <exception cref="Errors.DataException">The path escapes the dataset root, or holds a NUL or control character.</exception>
    public static string? Resolve(Doc doc, string? path, string column)
    {
        ArgumentNullException.ThrowIfNull(doc);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string Refuse(string why) => throw new Errors.DataException(
            $"Image path '{Errors.Terminal.Escape(path)}' (column '{column}') in a row of {doc.SourceFile} {why}; media paths must stay inside the dataset folder {doc.DatasetRoot}. Fix the row, or put the file inside the dataset and name it relative to the data file.");

        if (path.Any(char.IsControl))
        {
            return Refuse("holds a control character");
        }

        var root = Path.GetFullPath(doc.DatasetRoot);
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(doc.SourceDirectory, path));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full
            : Refuse(Path.IsPathRooted(path) ? "is an absolute path outside the dataset folder" : "climbs out of the dataset folder with '..'");
    }

    /// <summary>
    /// The dataset repository's folder for a split found under <paramref name="splitRoot"/>: the nearest folder at or
    /// above it whose path ends with the task's <c>dataset_path</c> (org/name, as --data-dir and the embedded samples
    /// lay datasets out), else an HF cache snapshot (<c>snapshots/&lt;rev&gt;</c>), else the split's own root. A config
    /// folder (POPE's <c>Full/</c>) may then name <c>../images/x.png</c> inside the same dataset.
    /// </summary>
    public static string DatasetRoot(string splitRoot, string datasetPath)
    {
        ArgumentNullException.ThrowIfNull(splitRoot);
        ArgumentNullException.ThrowIfNull(datasetPath);
        var tail = datasetPath.Replace('\\', '/').Trim('/').Split('/');
        for (var dir = new DirectoryInfo(Path.GetFullPath(splitRoot)); dir is not null; dir = dir.Parent)
        {
            var parts = dir.FullName.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= tail.Length && parts[^tail.Length..].SequenceEqual(tail, StringComparer.OrdinalIgnoreCase))
            {
                return dir.FullName;
            }

            if (dir.Parent?.Name == "snapshots")
            {
                return dir.FullName;
            }
        }

        return splitRoot;
    }
}
