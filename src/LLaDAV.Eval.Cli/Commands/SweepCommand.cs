using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval sweep --tasks T --sweep key=v1,v2,... --output DIR</c>: one run per value of a generation setting,
/// each through the same <see cref="EvaluationRunner"/> as <c>run</c>, into sibling folders <c>DIR/key-value/</c>
/// with <c>--gen-kwargs key=value</c> and <c>--tag key=value</c> recorded, ready for <c>plot tradeoff DIR</c>.
/// </summary>
internal static class SweepCommand
{
    private static readonly Option<string> s_sweep = new("--sweep") { Description = "key=v1,v2,...: the generation setting and its values, e.g. refresh_interval=2,4,8,16,32,48.", Required = true };
    private static readonly Option<string> s_output = new("--output") { Description = "Folder for the runs; each value gets DIR/<key>-<value>/.", Required = true };
    private static readonly Option<string?> s_config = new("--config") { Description = "Defaults file (eval.yaml in the checkout by default); flags override it." };

    public static Command Create()
    {
        var command = new Command("sweep", "Run tasks once per value of a generation setting (e.g. --sweep refresh_interval=2,4,8,16,32,48) into sibling run directories for 'plot tradeoff'.");
        foreach (var o in new Option[] { s_sweep, s_output, s_config })
        {
            command.Options.Add(o);
        }

        // Every run setting but --output (here the folder of all the runs), from the one table: sweep cannot drift from run.
        RunSettingOptions.AddTo(command, s => s.OnSweep);
        command.Options.Add(CliHost.Verbose);

        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, output => RunAsync(parse, output, ct)));
        return command;
    }

    /// <summary>Parses <c>key=v1,v2,...</c> into the key and its distinct values in order.</summary>
    internal static (string Key, IReadOnlyList<string> Values) ParseSweep(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var values = eq > 0 ? text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList() : [];
        if (eq <= 0 || values.Count == 0)
        {
            throw new ConfigException($"--sweep '{text}' must be key=v1,v2,..., e.g. --sweep refresh_interval=2,4,8,16,32,48.");
        }

        var key = text[..eq].Trim();
        if (values.Any(v => v.Any(c => Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\')))
        {
            throw new ConfigException($"--sweep values must be usable in folder names; '{text}' has a value with a path character.");
        }

        return (key, values);
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter output, CancellationToken ct)
    {
        var (key, values) = ParseSweep(parse.GetValue(s_sweep)!);
        var flags = RunSettingOptions.Read(parse);
        var root = Workspace.Root(RunSettingOptions.Given(parse, RunSettingTable.TasksDir));
        var settings = flags.Over(Workspace.EvalYaml(parse.GetValue(s_config), root));
        var baseConfig = settings.ToConfig();
        var catalog = Workspace.Catalog(settings[RunSettingTable.TasksDir], settings[RunSettingTable.IncludePath]);
        var outputDir = Path.GetFullPath(parse.GetValue(s_output)!);
        var written = new List<string>();
        foreach (var value in values)
        {
            var genKwargs = KeyValueList.Parse(baseConfig.GenKwargs, "--gen-kwargs").SetItem(key, value);
            var config = baseConfig with
            {
                GenKwargs = string.Join(",", genKwargs.Select(kv => $"{kv.Key}={kv.Value}")),
                RunTags = baseConfig.RunTags.SetItem(key, value).SetItem("sweep", key),
            };
            var runDirectory = Path.Combine(outputDir, $"{key}-{value}" + (config.Shard.IsWhole ? "" : $"_shard{config.Shard.Index}of{config.Shard.Count}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Sweep {key}={value} ({written.Count + 1}/{values.Count}) -> {runDirectory}")).ConfigureAwait(false);
            var outcome = await new EvaluationRunner(catalog, Workspace.Backends, Workspace.Readers, new PlainObserver(output))
                .RunAsync(new RunRequest(config, runDirectory, false, root), ct).ConfigureAwait(false);
            await output.WriteLineAsync(RunCommand.Summary(outcome)).ConfigureAwait(false);
            written.Add(runDirectory);
        }

        await output.WriteLineAsync($"Sweep done: {written.Count} runs in {outputDir}. Plot them with: lladav-eval plot tradeoff {outputDir}").ConfigureAwait(false);
        return 0;
    }
}
