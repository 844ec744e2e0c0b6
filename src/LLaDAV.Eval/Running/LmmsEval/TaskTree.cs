using System.Collections.Immutable;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running.LmmsEval;

/// <summary>A node of lmms-eval's <c>task_dict</c>: a task, or a group (ConfigurableGroup) with its members.</summary>
public sealed record TaskNode(string Name, bool IsGroup, ImmutableArray<TaskNode> Children);

/// <summary>
/// lmms-eval 75571cf's <c>task_dict</c> for a <c>--tasks</c> list, in its iteration order:
/// <c>__main__.py</c> sorts and de-duplicates the names (<c>TaskManager.match_tasks</c> → <c>utils.pattern_match</c>
/// returns <c>sorted(set)</c>); <c>TaskManager.load_task_or_group</c> merges them with
/// <c>dict(collections.ChainMap(*maps))</c>, which iterates the LAST map's keys first, so the top level runs in
/// reverse order; a group's members come from <c>ChainMap(*map(fn, reversed(subtask_list)))</c>, i.e. in YAML order;
/// a tag (<c>_name_is_tag</c>) is no node of its own: its tasks sit at the tag's level.
/// </summary>
public static class TaskTree
{
    public static ImmutableArray<TaskNode> Build(TaskCatalog catalog, IEnumerable<string> requested)
    {
        var names = requested.Select(n => n.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return ChainMap(names.Select(n => Load(catalog, n, 0)).ToList());
    }

    /// <summary><c>dict(ChainMap(*maps))</c>: keys of the last map first, each once.</summary>
    private static ImmutableArray<TaskNode> ChainMap(IReadOnlyList<ImmutableArray<TaskNode>> maps)
    {
        var seen = new HashSet<(string, bool)>();
        var result = ImmutableArray.CreateBuilder<TaskNode>();
        for (var i = maps.Count - 1; i >= 0; i--)
        {
            foreach (var node in maps[i].Where(n => seen.Add((n.Name, n.IsGroup))))
            {
                result.Add(node);
            }
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<TaskNode> Load(TaskCatalog catalog, string name, int depth)
    {
        if (depth > 32 || catalog.Tasks.ContainsKey(name))
        {
            return [new TaskNode(name, false, [])];
        }

        if (!catalog.Groups.TryGetValue(name, out var group))
        {
            return [];
        }

        // A member list is loaded with ChainMap over reversed(members): YAML order again.
        var members = group.Members.Reverse().Select(m => Load(catalog, m, depth + 1)).ToList();
        var children = ChainMap(members);
        return group.IsTag ? children : [new TaskNode(name, true, children)];
    }

    /// <summary>Leaves in <c>evaluator_utils.get_task_list</c> order (depth first, task_dict order): lmms-eval's <c>eval_tasks</c>.</summary>
    public static IEnumerable<string> Leaves(IEnumerable<TaskNode> nodes) =>
        nodes.SelectMany(n => n.IsGroup ? Leaves(n.Children) : [n.Name]);
}
