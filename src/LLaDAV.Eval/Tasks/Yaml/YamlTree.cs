using System.Globalization;
using LLaDAV.Eval.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LLaDAV.Eval.Tasks.Yaml;

/// <summary>
/// A YAML document as plain values: <see cref="SortedDictionary{TKey,TValue}"/>-free ordered maps
/// (<see cref="Dictionary{TKey,TValue}"/> keeps insertion order for reading), lists, and scalars typed the way
/// PyYAML's safe loader types them (bool, int, float, null, str). <c>!function x.y</c> becomes a <see cref="HookRefValue"/>.
/// </summary>
internal static class YamlTree
{
    public static Dictionary<string, object?> LoadMapping(string file)
    {
        string text;
        try
        {
            // A regular file of bounded size (issue 23 §3): a FIFO named as a task file must not block the catalog.
            text = Media.BoundedFile.ReadAllText(file, "YAML file");
        }
        catch (Exception e) when (e is IOException or Media.InputLimitException)
        {
            throw new ConfigException($"Cannot read task file {file}: {e.Message}", e);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{file}:{e.Start.Line}:{e.Start.Column}: malformed YAML ({e.InnerException?.Message ?? e.Message}). Fix the syntax at that line.", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these (not YamlException) for some inputs; the last event it read says where.
            var (line, column) = LastGoodMark(text);
            throw new ConfigException($"{file}:{line}:{column}: malformed YAML ({e.Message}). Fix the syntax at or after that point.", e);
        }

        if (stream.Documents.Count == 0)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigException($"{file}: the top level must be a mapping of keys (task:, dataset_path:, ...).");
        }

        var budget = new NodeBudget(file, Media.InputLimits.Current.MaxYamlNodes);
        return (Dictionary<string, object?>)Convert(root, file, budget)!;
    }

    /// <summary>
    /// YamlDotNet keeps an alias as a second reference to its anchored node, so the tree stays as small as the text;
    /// converting it to plain values copies the node at every use. A billion-laughs file (nine aliases of nine aliases
    /// ..., 1 KB) would expand to 10^9 values: each file may expand to <see cref="Media.InputLimits.MaxYamlNodes"/>
    /// values at most, counted as they are made, aliases included (issue 23 §4). Real task files have a few hundred.
    /// </summary>
    private sealed class NodeBudget(string file, long limit)
    {
        private long _used;

        public void Spend(YamlNode node)
        {
            if (++_used > limit)
            {
                throw new ConfigException(
                    $"{file}:{node.Start.Line}: the YAML expands to more than {limit} values (aliases counted at every use); refused as an alias bomb. " +
                    Media.InputLimits.RaiseHint("LLADAV_MAX_YAML_NODES", limit));
            }
        }
    }

    private static (long Line, long Column) LastGoodMark(string text)
    {
        var parser = new Parser(new StringReader(text));
        var mark = (Line: 1L, Column: 1L);
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } current)
                {
                    mark = (current.End.Line, current.End.Column);
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            if (e is YamlException y)
            {
                mark = (y.Start.Line, y.Start.Column);
            }
        }

        return mark;
    }

    private static object? Convert(YamlNode node, string file, NodeBudget budget)
    {
        budget.Spend(node);
        return node switch
        {
            YamlMappingNode map => map.Children.ToDictionary(
                kv => kv.Key is YamlScalarNode k ? k.Value ?? "" : throw new ConfigException($"{file}:{kv.Key.Start.Line}: mapping keys must be plain strings."),
                kv => Convert(kv.Value, file, budget),
                StringComparer.Ordinal),
            YamlSequenceNode seq => seq.Children.Select(c => Convert(c, file, budget)).ToList(),
            YamlScalarNode scalar => Scalar(scalar, file),
            _ => throw new ConfigException($"{file}:{node.Start.Line}: unsupported YAML node ({node.NodeType})."),
        };
    }

    private static object? Scalar(YamlScalarNode scalar, string file)
    {
        var value = scalar.Value ?? "";
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value == "!function")
        {
            return new HookRefValue(value.Trim());
        }

        if (!scalar.Tag.IsEmpty && scalar.Tag.Value != "tag:yaml.org,2002:str")
        {
            throw new ConfigException($"{file}:{scalar.Start.Line}: unknown YAML tag '{scalar.Tag.Value}'. Use '!function family.hook' for hooks.");
        }

        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return value;
        }

        // PyYAML (YAML 1.1 core) plain-scalar resolution, the subset task files use.
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if ((value.Contains('.') || value.Contains('e') || value.Contains('E'))
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        return value;
    }
}

/// <summary>A <c>!function family.hook</c> value.</summary>
internal sealed record HookRefValue(string Name)
{
    public override string ToString() => Name;
}
