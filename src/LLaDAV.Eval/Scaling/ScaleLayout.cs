using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Scaling;

/// <summary>
/// Where a scaled-out run keeps its parts (docs/ARCHITECTURE.md §8). The run root ends up as the run directory one process would
/// write (manifest, journal, results.json, samples, report); beside them, each shard K/N is a run directory of its own
/// in <c>shards/K-of-N/</c> with exactly one writer (its worker), logs in <c>logs/</c>, the plan in <c>scale.json</c>.
/// Nothing is shared between writers, so nodes need only a POSIX filesystem where rename is atomic: small state files
/// are written to a temporary name and renamed over.
/// </summary>
public static class ScaleLayout
{
    public const string PlanFile = "scale.json";

    public static string ShardDirectory(string root, int index, int count) =>
        Path.Combine(root, "shards", string.Create(CultureInfo.InvariantCulture, $"{index}-of-{count}"));

    public static string LogFile(string root, int index, int count) =>
        Path.Combine(root, "logs", string.Create(CultureInfo.InvariantCulture, $"shard-{index}-of-{count}.log"));

    public static string PlanPath(string root) => Path.Combine(root, PlanFile);

    /// <summary>The launcher's live view of its workers (pid, attempt, state) for <c>status</c>.</summary>
    public static string WorkersPath(string root) => Path.Combine(root, "logs", "workers.json");

    public static string SlurmDirectory(string root) => Path.Combine(root, "slurm");

    /// <summary>A shard is finished when its run wrote results.json (the runner's last step).</summary>
    public static bool ShardFinished(string root, int index, int count) =>
        File.Exists(Path.Combine(ShardDirectory(root, index, count), "results.json"));

    /// <summary>The merged run is there when the root has its own results.json.</summary>
    public static bool Merged(string root) => File.Exists(Path.Combine(root, "results.json"));

    /// <summary>Writes a file so that readers (possibly on another node) see the old or the new content, never half.</summary>
    public static void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + string.Create(CultureInfo.InvariantCulture, $".{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, content, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}
