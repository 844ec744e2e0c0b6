using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// <c>manifest.json</c> (docs/ARCHITECTURE.md "Run directory"): the effective configuration, model and data fingerprints, tool version and
/// commit, machine. Its <c>config</c>, <c>model</c> and <c>tasks</c> parts must match for <c>--resume</c>.
/// </summary>
public static class RunManifest
{
    public const string FileName = "manifest.json";

    /// <summary>The keys whose equality makes a run resumable (everything that changes results).</summary>
    public static readonly string[] ComparedKeys = ["config", "model", "tasks"];

    /// <summary>
    /// Settings README promises do not change results (throughput only): they may differ on <c>--resume</c> and between
    /// shards being merged (issue 14 §2). Derived from the rows of <see cref="RunSettingTable"/> marked not compared.
    /// </summary>
    public static IReadOnlySet<string> ThroughputOnly => RunSettingTable.NotCompared;

    /// <summary>
    /// The manifest's <c>config</c>: each <see cref="RunSettingTable"/> row recorded under <c>config.</c>, in table
    /// order; a nested object (<c>judge</c>) whose values are all null is written as null (no judge).
    /// </summary>
    public static JsonObject Config(RunConfig c)
    {
        var config = new JsonObject();
        var groups = new List<string>();
        foreach (var setting in RunSettingTable.All.Where(s => s.Manifest?.StartsWith("config.", StringComparison.Ordinal) == true))
        {
            var path = setting.Manifest!["config.".Length..].Split('.');
            var parent = config;
            foreach (var part in path[..^1])
            {
                if (parent[part] is not JsonObject child)
                {
                    child = [];
                    parent[part] = child;
                    groups.Add(part);
                }

                parent = child;
            }

            parent[path[^1]] = setting.ToManifest(c);
        }

        foreach (var key in groups)
        {
            if (config[key] is JsonObject nested && nested.All(kv => kv.Value is null))
            {
                config[key] = null;
            }
        }

        return config;
    }

    public static JsonObject Tasks(IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> tasks) =>
        new(tasks.Select(t => KeyValuePair.Create(t.Task.Name, (JsonNode?)new JsonObject
        {
            ["version"] = t.Task.Spec.Version,
            ["dataset"] = new JsonObject
            {
                ["path"] = t.Task.Spec.DatasetPath,
                ["name"] = t.Task.Spec.DatasetName,
                ["split"] = t.Task.Spec.Split,
                ["source"] = t.Data.Source == DatasetSource.Sample ? "sample" : "real",
                ["repo_id"] = t.Data.RepoId,
                ["revision"] = t.Data.Revision,
                ["commit"] = t.Data.Commit,
                ["config"] = t.Data.Config,
                ["resolved_by"] = t.Data.How,
                ["files"] = new JsonArray([.. t.Data.Digests().Select(d => (JsonNode?)new JsonObject { ["path"] = d.Path, ["size"] = d.Size, ["sha256"] = d.Sha256 })]),
                ["fingerprint"] = t.Fingerprint,
            },
        })));

    public static JsonObject Create(RunConfig config, ShardSpec shard, JsonObject model, JsonObject tasks, IReadOnlyList<(TaskDefinition Task, DatasetLocation Data, string Fingerprint)> located, string? gitCommit) => new()
    {
        ["schema"] = 1,
        ["tool"] = new JsonObject { ["name"] = "lladav-eval", ["version"] = ToolInfo.Version, ["git_commit"] = gitCommit },
        ["created"] = ToolInfo.Now().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["shard"] = shard.ToString(),
        ["config"] = Config(config),
        ["model"] = model,
        ["tasks"] = tasks,
        ["data_roots"] = new JsonObject(located.Select(t => KeyValuePair.Create(t.Task.Name, (JsonNode?)JsonValue.Create(t.Data.Root)))),
        ["machine"] = new JsonObject
        {
            ["os"] = RuntimeInformation.OSDescription,
            ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
            ["cores"] = Environment.ProcessorCount,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        },
    };

    /// <summary>
    /// <c>machine.device</c> (the backend's description of its compute device) and <c>machine.emulated_device</c> (true
    /// on the emulated CUDA device: its times are CPU emulation times). Outside the compared keys: the device changes
    /// no result a resume or merge checks.
    /// </summary>
    public static void SetDevice(JsonObject manifest, Models.Backends.ComputeDeviceInfo? device)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (device is null || manifest["machine"] is not JsonObject machine)
        {
            return;
        }

        machine["device"] = device.Description;
        machine["emulated_device"] = device.Emulated;
    }

    /// <summary>The device recorded by <see cref="SetDevice"/>, or null (replay, older runs).</summary>
    public static Models.Backends.ComputeDeviceInfo? Device(JsonObject manifest) =>
        manifest?["machine"]?["device"] is JsonValue v && v.TryGetValue<string>(out var d)
            ? new Models.Backends.ComputeDeviceInfo(d, manifest["machine"]?["emulated_device"] is JsonValue e && e.TryGetValue<bool>(out var b) && b)
            : null;

    public static JsonObject Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new DataException($"{runDirectory} is not a run directory: it has no {FileName}. Pass the folder that 'lladav-eval run' printed.");
        }

        return JsonFiles.ParseObject(path, "the run directory is damaged: restore manifest.json from a copy, or start a new run");
    }

    /// <summary>Human-readable differences between two manifests' compared parts: "key: old → new" lines.</summary>
    public static IReadOnlyList<string> Diff(JsonObject old, JsonObject @new, IEnumerable<string>? keys = null)
    {
        var lines = new List<string>();
        foreach (var key in keys ?? ComparedKeys)
        {
            DiffNode(key, old[key], @new[key], lines);
        }

        return lines;
    }

    private static void DiffNode(string path, JsonNode? a, JsonNode? b, List<string> lines)
    {
        if (ThroughputOnly.Contains(path))
        {
            return;
        }

        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var k in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
            {
                DiffNode($"{path}.{k}", oa[k], ob[k], lines);
            }

            return;
        }

        if (!JsonNode.DeepEquals(a, b))
        {
            lines.Add($"{path}: {a?.ToJsonString() ?? "(absent)"} -> {b?.ToJsonString() ?? "(absent)"}");
        }
    }
}

/// <summary>The tool's version, commit and clock (SOURCE_DATE_EPOCH, the reproducible-builds convention, fixes the clock).</summary>
public static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static DateTimeOffset Now() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : DateTimeOffset.UtcNow;

    /// <summary>The commit of the checkout holding <paramref name="directory"/>, read from .git without running git.</summary>
    public static string? GitCommit(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (File.Exists(git) && File.ReadAllText(git).Trim() is var pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
            {
                git = Path.GetFullPath(Path.Combine(dir.FullName, pointer["gitdir:".Length..].Trim()));
            }

            if (!Directory.Exists(git))
            {
                continue;
            }

            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref: ", StringComparison.Ordinal))
            {
                return head;
            }

            var name = head[5..];
            foreach (var root in new[] { git, ReadCommonDir(git) })
            {
                var loose = Path.Combine(root, name);
                if (File.Exists(loose))
                {
                    return File.ReadAllText(loose).Trim();
                }

                var packed = Path.Combine(root, "packed-refs");
                if (File.Exists(packed) && File.ReadLines(packed).FirstOrDefault(l => l.EndsWith(" " + name, StringComparison.Ordinal)) is { } line)
                {
                    return line[..line.IndexOf(' ', StringComparison.Ordinal)];
                }
            }

            return null;
        }

        return null;
    }

    /// <summary>
    /// The branch checked out where <paramref name="directory"/> lies ("detached" at a bare commit, as lmms-eval's
    /// <c>utils.get_git_branch_name</c> says), or null outside a checkout.
    /// </summary>
    public static string? GitBranch(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (File.Exists(git) && File.ReadAllText(git).Trim() is var pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
            {
                git = Path.GetFullPath(Path.Combine(dir.FullName, pointer["gitdir:".Length..].Trim()));
            }

            if (Directory.Exists(git) && File.Exists(Path.Combine(git, "HEAD")))
            {
                var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
                return head.StartsWith("ref: refs/heads/", StringComparison.Ordinal) ? head["ref: refs/heads/".Length..] : "detached";
            }
        }

        return null;
    }

    private static string ReadCommonDir(string gitDir)
    {
        var common = Path.Combine(gitDir, "commondir");
        return File.Exists(common) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(common).Trim())) : gitDir;
    }
}
