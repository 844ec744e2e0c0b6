using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LLaDAV.Eval.Tasks.Yaml;

/// <summary>
/// What the catalog needs to know of a task or group file without loading it (issue 23 §4): the task or group name,
/// a group's members and a task's tags. Read from the YAML event stream, top-level keys only, with aliases never
/// expanded (an alias is one event however much it names), so indexing costs time and memory linear in the file's
/// size, whatever the file holds; the full load (<see cref="TaskYamlLoader.LoadResolved(string)"/>) happens only for
/// the tasks a command asks for. Includes are followed with the full loader's precedence (the first listed include
/// wins over later ones, the including file over all).
/// </summary>
internal sealed record TaskFileHeader(string File, string? Task, string? Group, ImmutableArray<string> Members, ImmutableArray<string> Tags)
{
    private static readonly string[] s_keys = ["task", "group", "tag", "include"];

    public bool IsGroup => Group is not null && !Members.IsDefault;

    public static TaskFileHeader Read(string file) => Build(file, Values(file, []));

    private static TaskFileHeader Build(string file, Dictionary<string, object?> map)
    {
        var members = map.GetValueOrDefault("task") as List<string>;
        var tags = new List<string>();
        foreach (var key in new[] { "tag", "group" })
        {
            switch (map.GetValueOrDefault(key))
            {
                case string s: tags.Add(s); break;
                case List<string> l: tags.AddRange(l); break;
            }
        }

        return new TaskFileHeader(
            file,
            map.GetValueOrDefault("task") as string,
            map.GetValueOrDefault("group") as string,
            members is null ? default : [.. members],
            [.. tags.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The header keys of <paramref name="file"/> with its includes merged under them.</summary>
    private static Dictionary<string, object?> Values(string file, HashSet<string> visiting)
    {
        var full = Path.GetFullPath(file);
        if (!visiting.Add(full))
        {
            throw new ConfigException($"{file}: 'include' forms a cycle ({string.Join(" -> ", visiting)}). Remove the circular include.");
        }

        var own = TopLevel(full);
        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        var includes = own.GetValueOrDefault("include") switch
        {
            null => [],
            string s => [s],
            List<string> l => l,
            _ => throw new ConfigException($"{file}: 'include' must be a file name or a list of file names."),
        };
        foreach (var include in Enumerable.Reverse(includes))
        {
            var path = Path.Combine(Path.GetDirectoryName(full)!, include);
            if (!System.IO.File.Exists(path))
            {
                throw new ConfigException($"{file}: 'include' names {include}, which does not exist beside it ({path}).");
            }

            foreach (var kv in Values(path, visiting))
            {
                merged[kv.Key] = kv.Value;
            }
        }

        foreach (var kv in own.Where(kv => kv.Key != "include"))
        {
            merged[kv.Key] = kv.Value;
        }

        visiting.Remove(full);
        return merged;
    }

    /// <summary>Top-level task/group/tag/include values: a string, a list of strings, or <see cref="Complex"/> for anything else.</summary>
    private static Dictionary<string, object?> TopLevel(string file)
    {
        string text;
        try
        {
            text = Media.BoundedFile.ReadAllText(file, "YAML file");
        }
        catch (Exception e) when (e is IOException or Media.InputLimitException)
        {
            throw new ConfigException($"Cannot read task file {file}: {e.Message}", e);
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var anchors = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return result;
            }

            if (!parser.TryConsume<MappingStart>(out _))
            {
                throw new ConfigException($"{file}: the top level must be a mapping of keys (task:, dataset_path:, ...).");
            }

            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>().Value;
                if (s_keys.Contains(key, StringComparer.Ordinal))
                {
                    result[key] = Value(parser, anchors);
                }
                else
                {
                    Skip(parser, anchors);
                }
            }
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{file}:{e.Start.Line}:{e.Start.Column}: malformed YAML ({e.InnerException?.Message ?? e.Message}). Fix the syntax at that line.", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new ConfigException($"{file}: malformed YAML ({e.Message}). Fix the syntax.", e);
        }

        return result;
    }

    private static object? Value(IParser parser, Dictionary<string, string> anchors)
    {
        switch (parser.Current)
        {
            case Scalar scalar:
                parser.MoveNext();
                Remember(scalar, anchors);
                return scalar.Value;
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var known) ? known : Complex.Instance;
            case SequenceStart:
                parser.MoveNext();
                var items = new List<string>();
                var plain = true;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    if (Value(parser, anchors) is string s)
                    {
                        items.Add(s);
                    }
                    else
                    {
                        plain = false;
                    }
                }

                return plain ? items : Complex.Instance;
            default:
                Skip(parser, anchors);
                return Complex.Instance;
        }
    }

    /// <summary>Skips one node (and its children) without building it; scalar anchors are remembered for later aliases.</summary>
    private static void Skip(IParser parser, Dictionary<string, string> anchors)
    {
        var depth = 0;
        do
        {
            switch (parser.Current)
            {
                case Scalar scalar:
                    Remember(scalar, anchors);
                    break;
                case MappingStart or SequenceStart:
                    depth++;
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }

            parser.MoveNext();
        }
        while (depth > 0);
    }

    private static void Remember(Scalar scalar, Dictionary<string, string> anchors)
    {
        if (!scalar.Anchor.IsEmpty)
        {
            anchors[scalar.Anchor.Value] = scalar.Value;
        }
    }

    /// <summary>A header value that is neither a string nor a list of strings (a mapping, or an alias of one).</summary>
    private sealed class Complex
    {
        public static readonly Complex Instance = new();
    }
}
