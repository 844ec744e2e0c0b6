using LLaDAV.Eval.Running.LmmsEval;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>run --tasks list|list_groups|list_tags|list_subtasks</c> as lmms-eval 75571cf prints them (__main__.py 674-685,
/// <c>TaskManager.list_all_tasks</c> in tasks/__init__.py 97-157): "Available Tasks:" and every name, or markdown
/// tables of groups (with their YAML), tags, and tasks (with YAML and output type).
/// </summary>
internal static class TaskListing
{
    public static string Render(TaskCatalog catalog, string verb, string root)
    {
        var groups = catalog.Groups.Values.Where(g => !g.IsTag).Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
        var tags = catalog.Groups.Values.Where(g => g.IsTag).Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
        var tasks = catalog.Tasks.Keys.Order(StringComparer.Ordinal).ToList();
        if (verb == "list")
        {
            // "Available Tasks:\n - {}".format("\n - ".join(sorted(task_manager.all_tasks))).
            var all = tasks.Concat(groups).Concat(tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return "Available Tasks:\n - " + string.Join("\n - ", all);
        }

        string Location(string file) => Path.GetRelativePath(root, file) is var rel && !rel.StartsWith("..", StringComparison.Ordinal) ? rel : file;
        var result = "\n";
        if (verb == "list_groups")
        {
            result += MakeTable.Markdown(["Group", "Config Location"], [.. groups.Select(g => new object[] { g, Location(catalog.Groups[g].SourceFile) })]) + "\n\n";
        }

        if (verb == "list_tags")
        {
            result += MakeTable.Markdown(["Tag"], [.. tags.Select(t => new object[] { t })]) + "\n\n";
        }

        if (verb == "list_subtasks")
        {
            result += MakeTable.Markdown(["Task", "Config Location", "Output Type"], [.. tasks.Select(t => new object[] { t, Location(catalog.Tasks[t].Spec.SourceFile), catalog.Tasks[t].Spec.OutputType })]) + "\n\n";
        }

        return result;
    }
}
