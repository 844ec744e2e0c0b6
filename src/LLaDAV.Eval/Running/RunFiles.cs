using System.Text;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>
/// The names a run gives its folder and files (issue 23 §2). A run id, a task name (a task YAML's <c>task:</c>) or any
/// other name that becomes one path component is checked, not cleaned: a name that could leave its folder
/// (<c>..</c>, <c>a/b</c>, an absolute path) or that carries a control character is refused with the field it came
/// from, so what is written is always where the user expects it. And a new run starts only where none of the files a
/// run writes exist yet, so it never overwrites a file it did not write.
/// </summary>
public static class RunFiles
{
    /// <summary>Files and folders a run (or a scaled-out run root) writes; any of them present means "a run is here".</summary>
    public static IReadOnlyList<string> Written { get; } =
    [
        RunManifest.FileName, "results.json", "report.md", "report.html", "timing.json", "judge.json", "journal",
    ];

    /// <summary>What launch and submit slurm add to a run root (the merge then writes the run's own files beside them).</summary>
    public static IReadOnlyList<string> ScaleOut { get; } = ["scale.json", "shards", "slurm"];

    /// <summary>Patterns of per-task files a run writes (samples, test-split submissions).</summary>
    private static readonly string[] s_patterns = ["samples_*.jsonl", "*_for_submission.json"];

    /// <summary>The first file or folder of <see cref="Written"/> (or a per-task file) already in <paramref name="directory"/>; null when none is.</summary>
    /// <param name="scaleOut">Also count a launcher's files (<see cref="ScaleOut"/>); false for the merge, which writes into that root.</param>
    public static string? FirstExisting(string directory, bool scaleOut = true)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        foreach (var name in scaleOut ? Written.Concat(ScaleOut) : Written)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path) || Directory.Exists(path))
            {
                return path;
            }
        }

        return s_patterns.SelectMany(p => Directory.EnumerateFiles(directory, p)).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>
    /// Checks one path component taken from the user or from data: no separator, not <c>.</c> or <c>..</c>, no control
    /// character, at most 200 UTF-8 bytes (file systems allow 255, and a suffix such as <c>.counts.json</c> is added).
    /// </summary>
    /// <param name="what">Where the name came from, e.g. "--run-id" or "task name in tasks/x.yaml".</param>
    /// <returns>Null when the name is fine, else why not.</returns>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 ? "is empty"
            : name is "." or ".." ? $"is '{name}', which names a folder, not a new one inside it"
            : name.IndexOfAny(['/', '\\']) >= 0 ? "holds a path separator ('/' or '\\'), which would put files in another folder"
            : name.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') ? "holds a control character (a newline, tab, escape or bidi override)"
            : Encoding.UTF8.GetByteCount(name) > 200 ? "is longer than 200 bytes"
            : null;
    }

    /// <summary><see cref="Problem"/> as a usage error (exit 2) naming <paramref name="what"/>.</summary>
    public static string CheckComponent(string name, string what, Func<string, EvalException>? error = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Problem(name) is { } why)
        {
            var message = $"{what} '{Terminal.Escape(name)}' {why}. Use a plain name (letters, digits, '-', '_', '.'): it becomes one folder or file name inside the run directory.";
            throw error?.Invoke(message) ?? new ConfigException(message);
        }

        return name;
    }

    /// <summary>
    /// <paramref name="directory"/>/<paramref name="file"/> after checking that it stays inside <paramref name="directory"/>:
    /// the last line of defence for names built from data (each is also checked where it is read).
    /// </summary>
    public static string Inside(string directory, string file)
    {
        var root = Path.GetFullPath(directory);
        var full = Path.GetFullPath(Path.Combine(root, file));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) && Problem(Path.GetFileName(full)) is null
            ? full
            : throw new ConfigException($"The file name '{Terminal.Escape(file)}' would be written outside the run directory {root}; refused. Check the task's 'task:' name.");
    }
}
