using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// Where the tool finds its tasks folder and eval.yaml: an explicit flag, else the nearest folder above the working
/// directory holding <c>tasks/</c>, else the checkout the tool was built from.
/// </summary>
internal static class Workspace
{
    public static string Root(string? tasksDir = null)
    {
        if (tasksDir is not null)
        {
            return Path.GetDirectoryName(Path.GetFullPath(tasksDir))!;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "tasks")) && File.Exists(Path.Combine(dir.FullName, "eval.yaml")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new ConfigException("Cannot find the tasks folder: run from the lladav-eval checkout (it holds tasks/ and eval.yaml) or pass --tasks-dir.");
    }

    /// <summary>The defaults file: <c>--config</c>, else <c>eval.yaml</c> of the checkout; a missing file is a config error.</summary>
    public static Running.RunSettings EvalYaml(string? configFile, string root)
    {
        if (configFile is null)
        {
            // No --config: the checkout's eval.yaml if there is one (a --tasks-dir elsewhere may have none), else no defaults.
            var defaults = Path.Combine(root, "eval.yaml");
            return File.Exists(defaults) ? Running.RunSettings.FromYaml(defaults) : new Running.RunSettings();
        }

        return File.Exists(configFile)
            ? Running.RunSettings.FromYaml(configFile)
            : throw new ConfigException($"--config {configFile} does not exist. Pass an existing eval.yaml or omit --config.");
    }

    public static TaskCatalog Catalog(string? tasksDir, string? includePath = null) =>
        TaskCatalog.Load(tasksDir ?? Path.Combine(Root(), "tasks"), HookRegistry.CreateDefault(),
            includePath?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);

    /// <summary>
    /// A task file that did not load is a warning where it was not asked for (run, tasks; issue 14 §2). <paramref name="all"/>
    /// loads every file (tasks); without it only files whose header could not be read are named (run: a file nobody
    /// asked for is never loaded, issue 23 §4).
    /// </summary>
    public static async Task WarnBrokenAsync(TaskCatalog catalog, TextWriter error, bool all = true)
    {
        foreach (var message in all ? catalog.Broken : catalog.IndexBroken)
        {
            await error.WriteLineAsync($"warning: skipped a task file that does not load: {message}").ConfigureAwait(false);
        }
    }

    public static IReadOnlyList<IDatasetFileReader> Readers => DatasetReaders.All;

    public static BackendRegistry Backends => BackendRegistry.Default;
}
