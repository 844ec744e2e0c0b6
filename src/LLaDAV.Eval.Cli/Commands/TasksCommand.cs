using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary><c>lladav-eval tasks</c>: tasks and groups with dataset, split, doc count where data is present, metrics.</summary>
internal static class TasksCommand
{
    private static readonly Option<string?> s_dataDir = new("--data-dir") { Description = "Count docs in this data folder instead of the HF cache / embedded samples." };
    private static readonly Option<string?> s_tasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };

    public static Command Create()
    {
        var command = new Command("tasks", "List tasks and groups: dataset, split, doc count (real or sample data), metrics.");
        command.Options.Add(s_dataDir);
        command.Options.Add(s_tasksDir);
        command.Options.Add(CliHost.Verbose);
        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var catalog = Workspace.Catalog(parse.GetValue(s_tasksDir));
            await Workspace.WarnBrokenAsync(catalog, parse.InvocationConfiguration.Error).ConfigureAwait(false);
            var dataDir = parse.GetValue(s_dataDir);
            var locator = DatasetLocator.ForRun(dataDir, Workspace.Readers);
            var documents = new TaskDocuments(Workspace.Readers);
            await output.WriteLineAsync($"{"task",-36} {"dataset",-40} {"split",-22} {"docs",-12} metrics").ConfigureAwait(false);
            foreach (var task in catalog.Tasks.Values)
            {
                string docs;
                try
                {
                    var data = locator.Locate(task.Spec);
                    var n = documents.Count(task, data);
                    docs = data.Source == DatasetSource.Sample ? $"{n} (sample)" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (DataException)
                {
                    docs = "no data";
                }

                var dataset = task.Spec.DatasetPath + (task.Spec.DatasetName is { } n2 ? $" [{n2}]" : "");
                var metrics = string.Join(", ", task.Spec.Metrics.Select(m => m.Name).Distinct());
                await output.WriteLineAsync($"{task.Name,-36} {dataset,-40} {task.Spec.Split,-22} {docs,-12} {metrics}").ConfigureAwait(false);
            }

            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync("groups:").ConfigureAwait(false);
            foreach (var group in catalog.Groups.Values)
            {
                await output.WriteLineAsync($"  {group.Name,-34} {(group.IsTag ? "tag" : "group")}: {string.Join(", ", group.Members)}").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }
}
