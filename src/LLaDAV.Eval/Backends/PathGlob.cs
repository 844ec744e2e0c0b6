namespace LLaDAV.Eval.Backends;

/// <summary>Expands a path whose segments may hold '*' or '?' (no '**'), sorted ordinally for a stable order.</summary>
public static class PathGlob
{
    public static IReadOnlyList<string> Expand(string pattern, string baseDirectory)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(baseDirectory, pattern);
        if (!full.Contains('*', StringComparison.Ordinal) && !full.Contains('?', StringComparison.Ordinal))
        {
            return File.Exists(full) ? [Path.GetFullPath(full)] : [];
        }

        var segments = Path.GetFullPath(full).Split(Path.DirectorySeparatorChar);
        IEnumerable<string> current = [Path.GetPathRoot(Path.GetFullPath(full))!];
        for (var i = 1; i < segments.Length; i++)
        {
            var seg = segments[i];
            var last = i == segments.Length - 1;
            current = current.SelectMany(dir =>
            {
                if (!Directory.Exists(dir))
                {
                    return [];
                }

                if (!seg.Contains('*', StringComparison.Ordinal) && !seg.Contains('?', StringComparison.Ordinal))
                {
                    return [Path.Combine(dir, seg)];
                }

                return last ? Directory.EnumerateFiles(dir, seg) : Directory.EnumerateDirectories(dir, seg);
            }).ToList();
        }

        return current.Where(File.Exists).Order(StringComparer.Ordinal).ToList();
    }
}
