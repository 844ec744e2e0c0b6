using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tasks.Yaml;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// Every task and group under a tasks folder (docs/ARCHITECTURE.md §2). The folder is indexed up front from each file's header
/// (<see cref="TaskFileHeader"/>: names, group members, tags; aliases never expanded), and a task file is loaded and
/// validated in full (YAML, keys, hooks, metrics) only when it is asked for (issue 23 §4): a broken or hostile file of
/// a task nobody runs costs a run of another task nothing beyond reading its header. <see cref="Tasks"/> and
/// <see cref="Broken"/> load every file (what <c>tasks</c> and <c>validate</c> need). Files not ending in <c>.yaml</c>
/// (lmms-eval's <c>_default_template_yaml</c>) are only read through <c>include</c>.
/// </summary>
public sealed class TaskCatalog
{
    private readonly HookRegistry _hooks;
    private readonly ImmutableSortedDictionary<string, string> _taskFiles;
    private readonly ImmutableArray<string> _indexBroken;
    private readonly Dictionary<string, TaskDefinition> _loaded = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _loadFailures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lazy<ImmutableSortedDictionary<string, TaskDefinition>> _all;

    private TaskCatalog(string root, HookRegistry hooks, ImmutableSortedDictionary<string, string> taskFiles, ImmutableSortedDictionary<string, TaskGroup> groups, LmmsEvalNames upstream, ImmutableArray<string> indexBroken)
    {
        Root = root;
        _hooks = hooks;
        _taskFiles = taskFiles;
        Upstream = upstream;
        Groups = groups;
        _indexBroken = indexBroken;
        _all = new(() =>
        {
            foreach (var name in _taskFiles.Keys)
            {
                _ = TryLoad(name);
            }

            lock (_gate)
            {
                return _loaded.ToImmutableSortedDictionary(StringComparer.Ordinal);
            }
        });
    }

    /// <summary>
    /// One error per task or group file that did not load (issue 14 §2): a broken folder that was not asked for must
    /// not block the others, so it is a warning in <c>tasks</c> and an error in <c>validate</c>. Loads every file.
    /// </summary>
    public ImmutableArray<string> Broken
    {
        get
        {
            _ = _all.Value;
            lock (_gate)
            {
                return [.. _indexBroken, .. _loadFailures.Values];
            }
        }
    }

    /// <summary>Files whose header could not be read (cheap to know; what <c>run</c> warns about).</summary>
    public ImmutableArray<string> IndexBroken => _indexBroken;

    public string Root { get; }

    /// <summary>Every task that loads, each file loaded in full: for listing and validating the whole folder.</summary>
    public ImmutableSortedDictionary<string, TaskDefinition> Tasks => _all.Value;

    public ImmutableSortedDictionary<string, TaskGroup> Groups { get; }

    /// <summary>lmms-eval's own names (tasks/lmms-eval-names.tsv): what "not ported" means.</summary>
    public LmmsEvalNames Upstream { get; }

    public static TaskCatalog Load(string tasksDirectory, HookRegistry hooks) => Load(tasksDirectory, hooks, []);

    /// <summary>
    /// The tasks folder plus lmms-eval's <c>--include_path</c> folders and task YAML files given in <c>--tasks</c>
    /// (lmms-eval 75571cf <c>TaskManager.initialize_tasks</c>: all_paths = [built-in] + include_path, merged with
    /// <c>{**new, **old}</c>, so on a name clash the built-in task or group is kept).
    /// </summary>
    public static TaskCatalog Load(string tasksDirectory, HookRegistry hooks, IReadOnlyList<string> include)
    {
        if (!Directory.Exists(tasksDirectory))
        {
            throw new ConfigException($"The tasks folder {tasksDirectory} does not exist. Run from the repository root or pass --tasks-dir.");
        }

        var taskFiles = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var groups = new SortedDictionary<string, TaskGroup>(StringComparer.Ordinal);
        var tags = new List<(string Tag, string Task)>();
        static IEnumerable<string> Yamls(string dir) => Directory.EnumerateFiles(dir, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("sample"))
            .Order(StringComparer.Ordinal);
        var builtIn = Yamls(tasksDirectory).ToList();
        var extra = include.SelectMany(p => Directory.Exists(p) ? Yamls(p) : File.Exists(p) ? [Path.GetFullPath(p)]
            : throw new ConfigException($"--include_path {p}: no such folder or YAML file. Pass a folder of task YAMLs (or a task .yaml).")).ToList();
        var broken = new List<string>();
        foreach (var file in builtIn.Concat(extra.Except(builtIn, StringComparer.Ordinal)))
        {
            var included = !builtIn.Contains(file, StringComparer.Ordinal);
            try
            {
                var header = TaskFileHeader.Read(file);
                if (header.IsGroup)
                {
                    var group = new TaskGroup(header.Group!, header.Members, file, IsTag: false);
                    if (included && groups.ContainsKey(group.Name))
                    {
                        continue;
                    }

                    if (!groups.TryAdd(group.Name, group))
                    {
                        throw new ConfigException($"{file}: group '{group.Name}' is already defined in {groups[group.Name].SourceFile}.");
                    }

                    continue;
                }

                var name = header.Task ?? throw new ConfigException($"{file}: required key 'task' is missing or is not a plain name. Add it (see docs/LMMS-EVAL.md §1.2) or include a template that has it.");
                if (included && taskFiles.ContainsKey(name))
                {
                    continue;
                }

                if (taskFiles.TryGetValue(name, out var existing))
                {
                    throw new ConfigException($"{file}: task '{name}' is already defined in {existing}. Task names must be unique.");
                }

                taskFiles[name] = file;
                tags.AddRange(header.Tags.Select(t => (t, name)));
            }
            catch (EvalException e)
            {
                broken.Add(e.Message);
            }
        }

        foreach (var tagGroup in tags.GroupBy(x => x.Tag, x => x.Task))
        {
            if (!groups.ContainsKey(tagGroup.Key))
            {
                groups[tagGroup.Key] = new TaskGroup(tagGroup.Key, [.. tagGroup.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], tasksDirectory, IsTag: true);
            }
        }

        var upstream = LmmsEvalNames.Load(tasksDirectory);
        foreach (var group in groups.Values.ToList())
        {
            // A group may list lmms-eval members we do not port (mmbench_en_test): expanding it says so.
            foreach (var member in group.Members.Where(m => !taskFiles.ContainsKey(m) && !groups.ContainsKey(m) && !upstream.Contains(m)).Take(1))
            {
                // The group is unusable (its member is missing or in a broken file), the rest of the catalog is not.
                broken.Add($"{group.SourceFile}: group '{group.Name}' lists '{member}', which is neither a task nor a group.{Suggest(member, taskFiles.Keys.Concat(groups.Keys))}");
                groups.Remove(group.Name);
            }
        }

        return new TaskCatalog(tasksDirectory, hooks, taskFiles.ToImmutableSortedDictionary(StringComparer.Ordinal), groups.ToImmutableSortedDictionary(StringComparer.Ordinal), upstream, [.. broken]);
    }

    /// <summary>True when <paramref name="name"/> names a task of the folder (its file is not loaded for this).</summary>
    public bool IsTask(string name) => _taskFiles.ContainsKey(name);

    /// <summary>The task, its file loaded and validated now if it was not yet; its error when it does not load.</summary>
    public TaskDefinition Get(string name) =>
        TryLoad(name) ?? throw new ConfigException(_loadFailures.GetValueOrDefault(name) ?? $"Unknown task '{name}'.");

    private TaskDefinition? TryLoad(string name)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(name, out var done))
            {
                return done;
            }

            if (_loadFailures.ContainsKey(name) || !_taskFiles.TryGetValue(name, out var file))
            {
                return null;
            }

            try
            {
                var spec = TaskYamlLoader.ToSpec(TaskYamlLoader.LoadResolved(file), file);
                if (spec.Name != name)
                {
                    throw new ConfigException($"{file}: the task name '{spec.Name}' differs from its header's '{name}'. Name the task once, in 'task:'.");
                }

                var task = TaskDefinition.Resolve(spec, _hooks);
                _loaded[name] = task;
                return task;
            }
            catch (EvalException e)
            {
                _loadFailures[name] = e.Message;
                return null;
            }
        }
    }

    /// <summary>The <c>task</c> (or <c>group</c>) name a task YAML file defines, or null; for task paths given in <c>--tasks</c>.</summary>
    public static string? DefinedName(string yamlFile)
    {
        var map = TaskYamlLoader.LoadResolved(yamlFile);
        return (map.GetValueOrDefault("task") as string) ?? (map.GetValueOrDefault("group") as string);
    }

    /// <summary>Task and group names → the leaf tasks, in the order given, each once.</summary>
    public ImmutableArray<TaskDefinition> Expand(IEnumerable<string> names)
    {
        var result = new List<TaskDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name, int depth, string path)
        {
            if (depth > 32)
            {
                throw new ConfigException($"Group '{name}' nests more than 32 levels deep; check for a cycle among the group YAML files.");
            }

            if (IsTask(name))
            {
                if (seen.Add(name))
                {
                    result.Add(Get(name));
                }
            }
            else if (Groups.TryGetValue(name, out var group))
            {
                foreach (var m in group.Members)
                {
                    Visit(m, depth + 1, path.Length == 0 ? name : $"{path} > {name}");
                }
            }
            else if (Upstream.Contains(name))
            {
                throw new ConfigException(NotPorted(name, path));
            }
            else
            {
                var brokenNote = IndexBroken.IsEmpty ? "" : $" {IndexBroken.Length} task file(s) did not load and may define it:\n  " + string.Join("\n  ", IndexBroken);
                // Files are loaded on demand, so a suggested task's file is named: a typo in a file's 'task:' shows there.
                var suggestion = Suggest(name, _taskFiles.Keys.Concat(Groups.Keys));
                foreach (var (task, file) in _taskFiles.Where(t => suggestion.Contains(Errors.Terminal.Escape(t.Key), StringComparison.Ordinal)))
                {
                    suggestion = suggestion.Replace(Errors.Terminal.Escape(task), $"{Errors.Terminal.Escape(task)} ({file})", StringComparison.Ordinal);
                }

                throw new ConfigException($"Unknown task or group '{Errors.Terminal.Escape(name)}'.{suggestion} Run 'lladav-eval tasks' for the full list.{brokenNote}");
            }
        }

        foreach (var name in names)
        {
            Visit(name.Trim(), 0, "");
        }

        return [.. result];
    }

    /// <summary>"X is an lmms-eval task not ported; ported tasks of that family: ..." (distinct from a typo's "did you mean").</summary>
    private string NotPorted(string name, string via)
    {
        var families = Upstream.FamiliesOf(name);
        var ported = _taskFiles.Select(t => (Name: t.Key, File: t.Value))
            .Where(x => families.Contains(Path.GetFileName(Path.GetDirectoryName(x.File)) ?? "", StringComparer.Ordinal))
            .Select(x => x.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return $"'{name}' is an lmms-eval 75571cf name ({string.Join(", ", families)}) that is not ported{(via.Length == 0 ? "" : $" (listed by group {via})")}; ported tasks of that family: {(ported.Count == 0 ? "none" : string.Join(", ", ported))}.";
    }

    private static string Suggest(string name, IEnumerable<string> known)
    {
        var close = known
            .Select(k => (k, d: Metrics.BuiltinMetrics.Levenshtein(name, k)))
            .Where(x => x.d <= Math.Max(2, name.Length / 3) || x.k.Contains(name, StringComparison.Ordinal))
            .OrderBy(x => x.d).ThenBy(x => x.k, StringComparer.Ordinal).Take(5).Select(x => x.k).ToList();
        return close.Count == 0 ? "" : $" Did you mean: {string.Join(", ", close.Select(c => Errors.Terminal.Escape(c)))}?";
    }
}
