using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Yaml;

namespace LLaDAV.Eval.Running;

/// <summary>
/// One layer of run settings (eval.yaml, a resumed manifest, or the command line): the text given for each key of
/// <see cref="RunSettingTable"/>, with where it came from. Layers are applied in order, later over earlier, and
/// <see cref="ToConfig"/> parses and checks them all at once into a <see cref="RunConfig"/> (flags override eval.yaml).
/// </summary>
public sealed record RunSettings
{
    /// <summary>A setting's text as given, and where (a flag, or a file and key) for error messages.</summary>
    public sealed record Input(string Text, string Origin);

    public static RunSettings Empty { get; } = new();

    public ImmutableSortedDictionary<string, Input> Values { get; init; } = ImmutableSortedDictionary.Create<string, Input>(StringComparer.Ordinal);

    /// <summary>The eval.yaml keys (one per table row).</summary>
    public static IEnumerable<string> Keys => RunSettingTable.ByKey.Keys;

    /// <summary>The text of <paramref name="setting"/> in this layer, or null.</summary>
    public string? this[RunSetting setting] => Values.GetValueOrDefault(setting.Key)?.Text;

    /// <summary>
    /// This layer with <paramref name="setting"/> set to <paramref name="text"/> (null: unset). Paths are made
    /// absolute against <paramref name="baseDirectory"/> (the eval.yaml's folder; the working folder for flags).
    /// </summary>
    public RunSettings With(RunSetting setting, string? text, string origin, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (text is null)
        {
            return this with { Values = Values.Remove(setting.Key) };
        }

        if (setting.Path != SettingPath.None && string.IsNullOrWhiteSpace(text))
        {
            // An empty path (a shell variable that was not set, data_dir: "" in eval.yaml) would quietly mean the
            // current folder: a run written or data read somewhere the user did not name.
            throw new ConfigException($"{origin} is empty: give a file or folder path, or leave it out.");
        }

        var dir = baseDirectory ?? Directory.GetCurrentDirectory();
        var resolved = setting.Path switch
        {
            SettingPath.One => Path.GetFullPath(Path.Combine(dir, text)),
            SettingPath.CommaList => string.Join(",", text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Path.GetFullPath(Path.Combine(dir, p)))),
            _ => text,
        };
        return this with { Values = Values.SetItem(setting.Key, new Input(resolved, origin)) };
    }

    /// <summary>Reads eval.yaml; relative paths in it start at the file's folder. Unknown keys are all named at once.</summary>
    public static RunSettings FromYaml(string file)
    {
        var map = YamlTree.LoadMapping(file);
        var unknown = map.Keys.Where(k => !RunSettingTable.ByKey.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigException(string.Join("\n", unknown.Select(key => $"{file}: unknown key '{key}'. Known keys: {string.Join(", ", Keys)}.")));
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var layer = Empty;
        foreach (var (key, value) in map)
        {
            var text = value switch
            {
                null => null,
                List<object?> list => string.Join(",", list),
                Dictionary<string, object?> d => string.Join(",", d.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            };
            layer = layer.With(RunSettingTable.ByKey[key], text, $"{file}: '{key}'", dir);
        }

        return layer;
    }

    /// <summary>The settings a run directory's manifest records, so <c>--resume DIR</c> needs no other flag.</summary>
    /// <remarks>A manifest whose <c>config</c> is missing or holds a value of another JSON type than the one the tool writes
    /// there (a hand edit, a damaged copy) is a data error naming <paramref name="file"/> and the key, never a crash.</remarks>
    public static RunSettings FromManifest(JsonObject manifest, string file = "manifest.json")
    {
        ArgumentNullException.ThrowIfNull(manifest);
        const string Fix = "the run directory is damaged: restore manifest.json from a copy, or start a new run";
        if (manifest["config"] is not JsonObject)
        {
            throw new DataException($"{file}: 'config' is {(manifest["config"] is { } c ? c.ToJsonString() : "missing")}, not the object lladav-eval writes; {Fix}.");
        }

        var layer = Empty;
        foreach (var setting in RunSettingTable.All.Where(s => s.Manifest is not null))
        {
            JsonNode? node = manifest;
            foreach (var part in setting.Manifest!.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }

            string? text;
            try
            {
                text = setting.FromManifest(node);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new DataException($"{file}: '{setting.Manifest}' is {node!.ToJsonString()}, not the JSON type lladav-eval writes there; {Fix}.", e);
            }

            layer = layer.With(setting, text, $"manifest.json {setting.Manifest}");
        }

        return layer;
    }

    /// <summary>This layer over <paramref name="under"/>: each key set here wins.</summary>
    public RunSettings Over(RunSettings under)
    {
        ArgumentNullException.ThrowIfNull(under);
        return new() { Values = under.Values.SetItems(Values) };
    }

    /// <summary>
    /// Parses, defaults and checks every setting (the one place run settings are validated): all problems are
    /// reported together, one line each, in one <see cref="ConfigException"/>.
    /// </summary>
    public RunConfig ToConfig()
    {
        var errors = new List<string>();
        var config = new RunConfig { Tasks = [], Model = "" };
        foreach (var setting in RunSettingTable.All)
        {
            config = setting.Apply(config, Values.GetValueOrDefault(setting.Key), errors);
        }

        return errors.Count switch
        {
            0 => config,
            1 => throw new ConfigException(errors[0]),
            _ => throw new ConfigException($"{errors.Count} run settings are not valid:\n  " + string.Join("\n  ", errors)),
        };
    }
}
