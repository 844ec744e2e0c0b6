using System.CommandLine;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval validate</c>: loads every task YAML and hook (the catalog load fails on any unknown key, hook or
/// metric), then renders each task's first doc (prompt, target, visual references) from its data — no model.
/// </summary>
internal static class ValidateCommand
{
    private static readonly Option<string?> s_dataDir = new("--data-dir") { Description = "Validate against this data folder instead of the HF cache / embedded samples." };
    private static readonly Option<string?> s_tasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };

    public static Command Create()
    {
        var command = new Command("validate", "Load every task YAML and hook, and render each task's first doc; no model is run.");
        command.Options.Add(s_dataDir);
        command.Options.Add(s_tasksDir);
        command.Options.Add(CliHost.Verbose);
        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, async output =>
        {
            var catalog = Workspace.Catalog(parse.GetValue(s_tasksDir));
            var dataDir = parse.GetValue(s_dataDir);
            var locator = DatasetLocator.ForRun(dataDir, Workspace.Readers);
            var documents = new TaskDocuments(Workspace.Readers);
            var failures = 0;
            _ = catalog.Tasks; // validate loads every file in full, so that every broken one is reported below
            foreach (var message in catalog.Broken)
            {
                // validate checks the whole folder: a file that does not load is an error here (a warning in run).
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            }
            foreach (var task in catalog.Tasks.Values)
            {
                try
                {
                    var data = locator.Locate(task.Spec);
                    var (_, doc) = documents.Read(task, data, ct).First();
                    var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, "default");
                    var prompt = task.DocToText(doc, kwargs);
                    _ = task.DocToTarget(doc);
                    var visuals = task.DocToVisual(doc, kwargs);
                    await output.WriteLineAsync($"ok    {task.Name}: {data.Source.ToString().ToLowerInvariant()} data, prompt of {prompt.Length} chars, {visuals.Count} visual(s)").ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures++;
                    await output.WriteLineAsync($"FAIL  {task.Name}: {e.Message}").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync($"{catalog.Tasks.Count} tasks and {catalog.Groups.Count} groups loaded; {failures} failed; {catalog.Broken.Length} task file(s) did not load.").ConfigureAwait(false);
            return catalog.Broken.Length > 0 ? 2 : failures == 0 ? 0 : 3;
        }));
        return command;
    }
}
