using System.Collections.Immutable;
using System.Globalization;
using LLaDAV.Eval.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>One entry of a dataset card's <c>configs:</c> list: its name, <c>data_files</c> (raw YAML value), <c>data_dir</c>, <c>default</c>.</summary>
public sealed record CardConfig(string Name, object? DataFiles, string? DataDir, bool IsDefault);

/// <summary>
/// The YAML front matter of a dataset repository's <c>README.md</c> (and the standalone <c>.huggingface.yaml</c>,
/// whose keys win), as <c>datasets</c> reads them: huggingface/datasets <c>utils/metadata.py</c>
/// <c>_split_yaml_from_readme</c> (the first line is <c>---</c> and a later line is <c>---</c>) and
/// <c>MetadataConfigs.from_dataset_card_data</c> / <c>_raise_if_data_files_field_not_valid</c>; <c>load.py</c>
/// <c>HubDatasetModuleFactory.get_module</c> for the standalone file.
/// </summary>
public sealed record DatasetCard(ImmutableArray<CardConfig> Configs, string? Source)
{
    /// <summary>YAML nodes converted per card: bounds alias expansion ("billion laughs") to a fixed cost.</summary>
    public const int MaxNodes = 200_000;

    public static DatasetCard None { get; } = new([], null);

    /// <summary>The card of the repository folder <paramref name="root"/>; <see cref="None"/> when it has none.</summary>
    public static DatasetCard Load(string root)
    {
        var readme = Path.Combine(root, "README.md");
        var standalone = Path.Combine(root, ".huggingface.yaml");
        Dictionary<string, object?> data = new(StringComparer.Ordinal);
        string? source = null;
        if (File.Exists(readme) && SplitYaml(ReadBounded(readme)) is { } block)
        {
            data = Parse(block, readme);
            source = readme;
        }

        if (File.Exists(standalone))
        {
            foreach (var (k, v) in Parse(ReadBounded(standalone), standalone))
            {
                data[k] = v;
            }

            source ??= standalone;
        }

        return new DatasetCard(ReadConfigs(data, source), source);
    }

    /// <summary><c>datasets.utils.metadata._split_yaml_from_readme</c>: the block between a first-line <c>---</c> and the next <c>---</c> line.</summary>
    public static string? SplitYaml(string readme)
    {
        var lines = readme.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || lines[0] != "---")
        {
            return null;
        }

        var end = Array.IndexOf(lines, "---", 1);
        return end < 0 ? null : string.Join('\n', lines[1..end]);
    }

    /// <summary>The default config's name (<c>MetadataConfigs.get_default_config_name</c>): the only one, or <c>default</c>, or <c>default: true</c>.</summary>
    public string? DefaultConfigName()
    {
        string? found = null;
        foreach (var c in Configs)
        {
            if (Configs.Length == 1 || c.Name == "default" || c.IsDefault)
            {
                if (found is not null)
                {
                    throw new DataException($"{Source}: the card marks several configs as default ('{found}' and '{c.Name}'); datasets refuses such a card too. Keep one 'default: true'.");
                }

                found = c.Name;
            }
        }

        return found;
    }

    private static ImmutableArray<CardConfig> ReadConfigs(Dictionary<string, object?> data, string? source)
    {
        if (!data.TryGetValue("configs", out var raw) || raw is null)
        {
            return [];
        }

        if (raw is not List<object?> list)
        {
            throw new DataException($"{source}: 'configs' must be a list of {{config_name, data_files}} entries (datasets' MetadataConfigs), got {Describe(raw)}.");
        }

        var configs = ImmutableArray.CreateBuilder<CardConfig>();
        foreach (var item in list)
        {
            if (item is not Dictionary<string, object?> map || !map.TryGetValue("config_name", out var name) || name is null)
            {
                throw new DataException($"{source}: each 'configs' entry needs a 'config_name' (datasets' MetadataConfigs), got {Describe(item)}.");
            }

            var configName = System.Convert.ToString(name, CultureInfo.InvariantCulture)!;
            map.TryGetValue("data_files", out var files);
            CheckDataFiles(files, source, configName);
            var dataDir = map.TryGetValue("data_dir", out var d) && d is not null ? System.Convert.ToString(d, CultureInfo.InvariantCulture) : null;
            var isDefault = map.TryGetValue("default", out var def) && def is true;
            configs.Add(new CardConfig(configName, files, dataDir, isDefault));
        }

        return configs.ToImmutable();
    }

    /// <summary><c>MetadataConfigs._raise_if_data_files_field_not_valid</c>: a string, or a list of strings or of {split, path} maps.</summary>
    private static void CheckDataFiles(object? files, string? source, string config)
    {
        var ok = files switch
        {
            null or string => true,
            List<object?> items => items.All(i => i is string || (i is Dictionary<string, object?> m && m.Count == 2 && m.TryGetValue("split", out var s)
                && s is string split && DataFilesResolver.IsValidSplitName(split) && m.TryGetValue("path", out var p) && (p is string || p is List<object?>))),
            _ => false,
        };
        if (!ok)
        {
            throw new DataException(
                $"{source}: config '{config}' has data_files {Describe(files)}; datasets expects a string, a list of strings, or a list of {{split: NAME, path: PATTERN or [PATTERNS]}} (split names match ^\\w+(\\.\\w+)*$).");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string s => $"'{s}'",
        List<object?> => "a list",
        Dictionary<string, object?> => "a mapping",
        _ => $"'{value}'",
    };

    /// <summary>A regular file (never a FIFO or device) within the small-file limit (LLADAV_MAX_FILE_BYTES), read through the bounded reader.</summary>
    private static string ReadBounded(string path)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Media.BoundedFile.ReadAllBytes(path, "dataset card", Media.InputLimits.Current.MaxSmallFileBytes, "LLADAV_MAX_FILE_BYTES")).TrimStart('\uFEFF');
        }
        catch (Media.InputLimitException e)
        {
            throw new DataException($"{e.Message} A dataset card is the repository's README.md; check the file.", e);
        }
    }

    private static Dictionary<string, object?> Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new DataException($"{file}: the dataset card's YAML front matter is malformed ({e.Message}). datasets cannot read this card either; fix it or re-download the repository.", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        var budget = MaxNodes;
        return (Dictionary<string, object?>)ToValue(root, file, ref budget)!;
    }

    private static object? ToValue(YamlNode node, string file, ref int budget)
    {
        if (--budget < 0)
        {
            throw new DataException($"{file}: the dataset card's YAML expands to more than {MaxNodes} nodes (aliases?); refusing to read it.");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in map.Children)
                {
                    dict[k is YamlScalarNode ks ? ks.Value ?? "" : k.ToString()] = ToValue(v, file, ref budget);
                }

                return dict;
            case YamlSequenceNode seq:
                var list = new List<object?>(seq.Children.Count);
                foreach (var c in seq.Children)
                {
                    list.Add(ToValue(c, file, ref budget));
                }

                return list;
            case YamlScalarNode scalar:
                var value = scalar.Value ?? "";
                if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
                {
                    return value;
                }

                // PyYAML's safe loader types plain scalars: null, bool, int, float, else str.
                return value switch
                {
                    "" or "~" or "null" or "Null" or "NULL" => null,
                    "true" or "True" or "TRUE" => true,
                    "false" or "False" or "FALSE" => false,
                    _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
                    _ when value.Any(c => c is '.' or 'e' or 'E') && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                    _ => value,
                };
            default:
                return null;
        }
    }
}
