using System.CommandLine;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// The command-line options of <see cref="RunSettingTable"/>: <c>run</c> and <c>sweep</c> get theirs from here, and
/// <c>launch</c> and <c>submit slurm</c> forward <c>run</c>'s (<see cref="ForwardedRun"/>), so no verb declares a
/// run setting by hand.
/// </summary>
internal static class RunSettingOptions
{
    /// <summary>Adds one option per row that <paramref name="include"/> selects.</summary>
    public static void AddTo(Command command, Func<RunSetting, bool> include)
    {
        foreach (var setting in RunSettingTable.All.Where(include))
        {
            command.Options.Add(setting.Input switch
            {
                SettingInput.Switch => new Option<bool>(setting.Flag) { Description = setting.Help },
                SettingInput.Repeated => new Option<string[]>(setting.Flag) { Description = setting.Help, AllowMultipleArgumentsPerToken = false },
                _ => new Option<string?>(setting.Flag) { Description = setting.Help },
            });
        }
    }

    /// <summary>The command line's settings layer: every table option the parsed command has and the user gave.</summary>
    public static RunSettings Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var layer = RunSettings.Empty;
        foreach (var setting in RunSettingTable.All)
        {
            var text = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == setting.Flag) switch
            {
                Option<bool> b => parse.GetValue(b) ? "true" : null,
                Option<string[]> many => parse.GetValue(many) is { Length: > 0 } values ? string.Join(",", values) : null,
                Option<string?> one => parse.GetValue(one),
                _ => null,
            };
            if (text is not null && setting.FromFlag is { } normalize)
            {
                text = normalize(text);
            }

            layer = layer.With(setting, text, setting.Flag);
        }

        return layer;
    }

    /// <summary>The raw text given for a table option (null when absent), e.g. for lmms-eval's record of the command line.</summary>
    public static string? Given(ParseResult parse, RunSetting setting)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(setting);
        return parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == setting.Flag) is Option<string?> o ? parse.GetValue(o) : null;
    }
}
