using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tasks.Yaml;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// Every task and group under a tasks folder (DESIGN.md §2), loaded and validated up front: YAML syntax, keys,
/// hooks and metrics. Files not ending in <c>.yaml</c> (lmms-eval's <c>_default_template_yaml</c>) are only read
/// through <c>include</c>.
/// </summary>
public sealed class TaskCatalog
{
    private TaskCatalog(string root, ImmutableSortedDictionary<string, TaskDefinition> tasks, ImmutableSortedDictionary<string, TaskGroup> groups, LmmsEvalNames upstream, ImmutableArray<string> broken)
    {
        Root = root;
        Upstream = upstream;
        Tasks = tasks;
        Groups = groups;
        Broken = broken;
    }

    /// <summary>
    /// One error per task or group file that did not load (issue 14 §2): a broken folder that was not asked for must
    /// not block the others, so it is a warning in <c>run</c> and <c>tasks</c> and an error in <c>validate</c>.
    /// </summary>
    public ImmutableArray<string> Broken { get; }

    public string Root { get; }

    public ImmutableSortedDictionary<string, TaskDefinition> Tasks { get; }

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

        var tasks = new SortedDictionary<string, TaskDefinition>(StringComparer.Ordinal);
        var groups = new SortedDictionary<string, TaskGroup>(StringComparer.Ordinal);
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
                var map = TaskYamlLoader.LoadResolved(file);
                if (TaskYamlLoader.IsGroup(map))
                {
                    var group = TaskYamlLoader.ToGroup(map, file);
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

                var spec = TaskYamlLoader.ToSpec(map, file);
                if (included && tasks.ContainsKey(spec.Name))
                {
                    continue;
                }

                if (tasks.TryGetValue(spec.Name, out var existing))
                {
                    throw new ConfigException($"{file}: task '{spec.Name}' is already defined in {existing.Spec.SourceFile}. Task names must be unique.");
                }

                tasks[spec.Name] = TaskDefinition.Resolve(spec, hooks);
            }
            catch (EvalException e)
            {
                broken.Add(e.Message);
            }
        }

        foreach (var tagGroup in tasks.Values.SelectMany(t => t.Spec.Tags.Select(tag => (Tag: tag, t.Name))).GroupBy(x => x.Tag, x => x.Name))
        {
            if (!groups.ContainsKey(tagGroup.Key))
            {
                groups[tagGroup.Key] = new TaskGroup(tagGroup.Key, [.. tagGroup.Order(StringComparer.Ordinal)], tasksDirectory, IsTag: true);
            }
        }

        var upstream = LmmsEvalNames.Load(tasksDirectory);
        foreach (var group in groups.Values.ToList())
        {
            // A group may list lmms-eval members we do not port (mmbench_en_test): expanding it says so.
            foreach (var member in group.Members.Where(m => !tasks.ContainsKey(m) && !groups.ContainsKey(m) && !upstream.Contains(m)).Take(1))
            {
                // The group is unusable (its member is missing or in a broken file), the rest of the catalog is not.
                broken.Add($"{group.SourceFile}: group '{group.Name}' lists '{member}', which is neither a task nor a group.{Suggest(member, tasks.Keys.Concat(groups.Keys))}");
                groups.Remove(group.Name);
            }
        }

        return new TaskCatalog(tasksDirectory, tasks.ToImmutableSortedDictionary(StringComparer.Ordinal), groups.ToImmutableSortedDictionary(StringComparer.Ordinal), upstream, [.. broken]);
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

            if (Tasks.TryGetValue(name, out var task))
            {
                if (seen.Add(name))
                {
                    result.Add(task);
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
                var brokenNote = Broken.IsEmpty ? "" : $" {Broken.Length} task file(s) did not load and may define it:\n  " + string.Join("\n  ", Broken);
                throw new ConfigException($"Unknown task or group '{name}'.{Suggest(name, Tasks.Keys.Concat(Groups.Keys))} Run 'lladav-eval tasks' for the full list.{brokenNote}");
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
        var ported = Tasks.Values.Select(t => (t.Name, File: t.Spec.SourceFile))
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
        return close.Count == 0 ? "" : $" Did you mean: {string.Join(", ", close)}?";
    }
}
