using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// <c>lladav-eval merge</c> (docs/ARCHITECTURE.md §5): joins the journals of shard runs <c>K/N</c>, K = 0…N-1, into one run
/// directory whose result files equal those of the same run done in one process.
/// </summary>
public static class ShardMerger
{
    public static RunOutcome Merge(IReadOnlyList<string> shardDirectories, string outputDirectory, TaskCatalog catalog)
    {
        if (shardDirectories.Count == 0)
        {
            throw new ConfigException("merge needs the shard run directories: lladav-eval merge DIR1 DIR2 ... --output DIR.");
        }

        var manifests = shardDirectories.Select(RunManifest.Read).ToList();
        var first = manifests[0];
        for (var i = 1; i < manifests.Count; i++)
        {
            var diff = RunManifest.Diff(first, manifests[i]);
            if (diff.Count > 0)
            {
                throw new ConfigException($"{shardDirectories[i]} is not a shard of the same run as {shardDirectories[0]}:\n  {string.Join("\n  ", diff)}");
            }
        }

        var shards = manifests.Select((m, i) => (Spec: ShardOf(m, shardDirectories[i]), Dir: shardDirectories[i])).ToList();
        var count = shards[0].Spec.Count;
        var indexes = shards.Select(s => s.Spec.Index).Order().ToList();
        if (shards.Any(s => s.Spec.Count != count) || !indexes.SequenceEqual(Enumerable.Range(0, count)))
        {
            throw new ConfigException($"merge needs exactly one run for each shard 0/{count} … {count - 1}/{count}; got {string.Join(", ", shards.Select(s => $"{s.Spec} ({Path.Combine(s.Dir, RunManifest.FileName)})"))}.");
        }

        var tasks = catalog.Expand(first["config"]!["tasks"]!.AsArray().Select(t => (string)t!));

        // Every shard is read and checked before the output exists, so a failed merge leaves nothing half-made.
        var joined = new List<(TaskDefinition Task, string Counts, IEnumerable<string> Lines)>();
        foreach (var task in tasks)
        {
            var combined = new Dictionary<int, JsonObject>();
            foreach (var (spec, dir) in shards)
            {
                var journal = ResultsWriter.JournalPath(dir, task.Name);
                if (!File.Exists(ResultsWriter.CountsPath(dir, task.Name)))
                {
                    throw new DataException($"Shard {spec} ({dir}) has not started task '{task.Name}'. Finish it (lladav-eval run --resume {dir}) before merging.");
                }

                foreach (var (id, entry) in SampleJournal.Read(journal))
                {
                    combined[id] = entry;
                }
            }

            var countsPath = ResultsWriter.CountsPath(shards[0].Dir, task.Name);
            var counts = JsonFiles.ParseObject(countsPath, "the shard's run directory is damaged");
            var expected = (int)counts["effective"]!;
            if (combined.Count != expected)
            {
                throw new DataException($"Task '{task.Name}': the shards' journals ({string.Join(", ", shards.Select(sh => ResultsWriter.JournalPath(sh.Dir, task.Name)))}) hold {combined.Count} of {expected} samples. Resume the unfinished shards before merging.");
            }

            joined.Add((task, countsPath, combined.OrderBy(kv => kv.Key).Select(kv => JsonOutput.Line(kv.Value)).ToList()));
        }

        RunPlanner.CheckWritable(outputDirectory);

        // One writer per run directory (issue 14 §1): a second merge into the same --output is refused while this one runs.
        using var directoryLock = Io.RunDirectoryLock.Acquire(outputDirectory, create: true);
        if (RunFiles.FirstExisting(outputDirectory, scaleOut: false) is { } existing)
        {
            throw new ConfigException($"{outputDirectory} already holds a run ({Path.GetFileName(existing)} is there); choose an empty --output folder for the merge.");
        }

        Directory.CreateDirectory(Path.Combine(outputDirectory, "journal"));
        var manifest = first.DeepClone().AsObject();
        manifest["shard"] = ShardSpec.Whole.ToString();
        // workers on different devices (launch --gpus): the merged run names each device once
        var devices = manifests.Select(RunManifest.Device).OfType<Models.Backends.ComputeDeviceInfo>().ToList();
        if (devices.Count > 0)
        {
            RunManifest.SetDevice(manifest, new Models.Backends.ComputeDeviceInfo(string.Join("; ", devices.Select(d => d.Description).Distinct(StringComparer.Ordinal)), devices.Any(d => d.Emulated)));
        }

        manifest["merged_from"] = new JsonArray([.. shards.OrderBy(s => s.Spec.Index).Select(s => (JsonNode?)JsonValue.Create(Path.GetFullPath(s.Dir)))]);
        foreach (var (task, countsPath, lines) in joined)
        {
            File.Copy(countsPath, ResultsWriter.CountsPath(outputDirectory, task.Name), overwrite: true);
            File.WriteAllLines(ResultsWriter.JournalPath(outputDirectory, task.Name), lines);
        }

        JsonOutput.WriteFile(Path.Combine(outputDirectory, RunManifest.FileName), manifest);
        return ResultsWriter.Write(outputDirectory, manifest, tasks, catalog);
    }

    /// <summary>The manifest's shard, or an error naming the manifest (a damaged value is not a --shard typo).</summary>
    private static ShardSpec ShardOf(JsonObject manifest, string dir)
    {
        try
        {
            return ShardSpec.Parse(manifest["shard"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "0/1");
        }
        catch (ConfigException e)
        {
            throw new DataException($"{Path.Combine(dir, RunManifest.FileName)}: its \"shard\" value is damaged ({e.Message})", e);
        }
    }
}
