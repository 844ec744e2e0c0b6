using System.Collections.Immutable;
using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Tasks.Yaml;

/// <summary>
/// Reads lmms-eval task and group YAML files (docs/LMMS-EVAL.md §1.2): <c>include</c> (a file or a list; the first
/// listed include wins over later ones and the including file wins over all, as lm-eval's
/// <c>load_yaml_config</c> does), the <c>TaskConfig</c> keys, and lmms-eval's <c>generation_kwargs</c> defaults.
/// </summary>
internal static class TaskYamlLoader
{
    /// <summary>Every key of lmms-eval's <c>TaskConfig</c> plus <c>include</c>; anything else is a typo.</summary>
    public static readonly ImmutableSortedSet<string> KnownKeys = ImmutableSortedSet.Create(StringComparer.Ordinal,
        "task", "task_alias", "tag", "group", "group_alias", "dataset_path", "dataset_name", "dataset_kwargs",
        "training_split", "validation_split", "test_split", "fewshot_split", "full_docs", "process_docs",
        "doc_to_visual", "doc_to_text", "doc_to_target", "doc_to_choice", "doc_to_messages", "process_results",
        "process_results_use_image", "description", "target_delimiter", "fewshot_delimiter", "fewshot_config",
        "num_fewshot", "metric_list", "output_type", "generation_kwargs", "repeats", "filter_list",
        "should_decontaminate", "doc_to_decontamination_query", "cluster_key", "score_key", "metadata",
        "lmms_eval_specific_kwargs", "model_specific_prompt_kwargs", "model_specific_generation_kwargs",
        "model_specific_target_kwargs", "reasoning_tags", "auto_strip_thinking", "include", "aggregate_metric_list");

    private static readonly ImmutableSortedSet<string> s_metricKeys = ImmutableSortedSet.Create(StringComparer.Ordinal, "metric", "aggregation", "higher_is_better");

    /// <summary>Loads a file with its includes resolved. Keys are checked against <see cref="KnownKeys"/>.</summary>
    public static Dictionary<string, object?> LoadResolved(string file) => LoadResolved(file, []);

    private static Dictionary<string, object?> LoadResolved(string file, HashSet<string> visiting)
    {
        var full = Path.GetFullPath(file);
        if (!visiting.Add(full))
        {
            throw new ConfigException($"{file}: 'include' forms a cycle ({string.Join(" -> ", visiting)}). Remove the circular include.");
        }

        var own = YamlTree.LoadMapping(full);
        foreach (var key in own.Keys)
        {
            if (!KnownKeys.Contains(key))
            {
                throw new ConfigException($"{file}: unknown key '{key}'. Known task keys: {string.Join(", ", KnownKeys)}.");
            }
        }

        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (own.TryGetValue("include", out var include) && include is not null)
        {
            var paths = include switch
            {
                string s => [s],
                List<object?> l => l.Select(x => x as string ?? throw new ConfigException($"{file}: 'include' entries must be file names.")).ToList(),
                _ => throw new ConfigException($"{file}: 'include' must be a file name or a list of file names."),
            };
            paths.Reverse();
            foreach (var p in paths)
            {
                var path = Path.Combine(Path.GetDirectoryName(full)!, p);
                if (!File.Exists(path))
                {
                    throw new ConfigException($"{file}: 'include' names {p}, which does not exist beside it ({path}).");
                }

                foreach (var kv in LoadResolved(path, visiting))
                {
                    merged[kv.Key] = kv.Value;
                }
            }
        }

        foreach (var kv in own)
        {
            if (kv.Key != "include")
            {
                merged[kv.Key] = kv.Value;
            }
        }

        visiting.Remove(full);
        return merged;
    }

    /// <summary>True for a group YAML: <c>group: name</c> with a <c>task:</c> list and no dataset.</summary>
    public static bool IsGroup(Dictionary<string, object?> map) =>
        map.TryGetValue("group", out var g) && g is string && map.TryGetValue("task", out var t) && t is List<object?>;

    public static TaskGroup ToGroup(Dictionary<string, object?> map, string file) => new(
        (string)map["group"]!,
        [.. ((List<object?>)map["task"]!).Select(x => x as string ?? throw new ConfigException($"{file}: every entry of 'task' must be a task or group name."))],
        file,
        IsTag: false);

    public static TaskSpec ToSpec(Dictionary<string, object?> map, string file)
    {
        string Req(string key) => map.TryGetValue(key, out var v) && v is not null
            ? Str(v)
            : throw new ConfigException($"{file}: required key '{key}' is missing. Add it (see docs/LMMS-EVAL.md §1.2) or include a template that has it.");
        string? Opt(string key) => map.TryGetValue(key, out var v) && v is not null ? Str(v) : null;

        // The name becomes file names in the run directory (journal/<task>.jsonl, samples_<task>.jsonl): one plain
        // component, checked rather than cleaned (issue 23 §2).
        var name = Running.RunFiles.CheckComponent(Req("task"), $"{file}: task name");
        var split = Opt("test_split") ?? Opt("validation_split")
            ?? throw new ConfigException($"{file}: task '{name}' needs 'test_split' (or 'validation_split') to say which split to evaluate.");
        var outputType = Opt("output_type") ?? "generate_until";
        if (outputType != "generate_until")
        {
            throw new ConfigException($"{file}: output_type '{outputType}' is not supported; the LLaDA-V benchmarks all use 'generate_until'.");
        }

        var tags = new List<string>();
        foreach (var key in new[] { "tag", "group" })
        {
            // lmms-eval converts a task YAML's deprecated 'group' into a 'tag'.
            switch (map.GetValueOrDefault(key))
            {
                case string s: tags.Add(s); break;
                case List<object?> l: tags.AddRange(l.OfType<string>()); break;
            }
        }

        var specific = Map(map, "lmms_eval_specific_kwargs", file);
        if (specific.IsEmpty && map.ContainsKey("model_specific_prompt_kwargs"))
        {
            // Pre-August-2024 key (lmms-eval 1d3f34ab): same shape, older merge rule; read it as the new key.
            specific = Map(map, "model_specific_prompt_kwargs", file);
        }

        return new TaskSpec
        {
            Name = name,
            SourceFile = file,
            Alias = Opt("task_alias"),
            Tags = [.. tags.Distinct(StringComparer.Ordinal)],
            DatasetPath = Req("dataset_path"),
            DatasetName = Opt("dataset_name"),
            DatasetKwargs = Map(map, "dataset_kwargs", file),
            Split = split,
            OutputType = outputType,
            ProcessDocs = Opt("process_docs"),
            DocToVisual = Req("doc_to_visual"),
            DocToText = Req("doc_to_text"),
            DocToTarget = Req("doc_to_target"),
            DocToChoice = Opt("doc_to_choice"),
            DocToMessages = Opt("doc_to_messages"),
            ProcessResults = Opt("process_results"),
            Metrics = Metrics(map, file),
            Filters = Filters(map, file),
            GenerationKwargs = GenerationDefaults(Map(map, "generation_kwargs", file)),
            SpecificKwargs = specific,
            ModelSpecificGenerationKwargs = Map(map, "model_specific_generation_kwargs", file),
            ReasoningTags = ReasoningTags(map, file),
            ClusterKey = Opt("cluster_key"),
            MetadataIsList = map.GetValueOrDefault("metadata") is List<object?>,
            ScoreKey = Opt("score_key") ?? "score",
            Metadata = map.GetValueOrDefault("metadata") switch
            {
                Dictionary<string, object?> d => Freeze(d),
                List<object?> l when l.FirstOrDefault() is Dictionary<string, object?> d0 => Freeze(d0),
                null => ImmutableSortedDictionary<string, object?>.Empty,
                _ => throw new ConfigException($"{file}: 'metadata' must be a mapping (e.g. version: 0.0)."),
            },
        };
    }

    /// <summary>
    /// <c>TaskConfig.__post_init__</c>: absent → {until: ["\n\n"], do_sample: false}; present → temperature as
    /// float and until defaulting to the fewshot delimiter "\n\n".
    /// </summary>
    private static ImmutableSortedDictionary<string, object?> GenerationDefaults(ImmutableSortedDictionary<string, object?> kwargs)
    {
        if (kwargs.IsEmpty)
        {
            return ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new KeyValuePair<string, object?>[]
            {
                new("until", new List<object?> { "\n\n" }),
                new("do_sample", false),
            });
        }

        if (kwargs.TryGetValue("temperature", out var t) && t is long l)
        {
            kwargs = kwargs.SetItem("temperature", (double)l);
        }

        return kwargs.ContainsKey("until") ? kwargs : kwargs.SetItem("until", new List<object?> { "\n\n" });
    }

    private static ImmutableArray<MetricSpec> Metrics(Dictionary<string, object?> map, string file)
    {
        if (map.GetValueOrDefault("metric_list") is not List<object?> list)
        {
            throw new ConfigException($"{file}: 'metric_list' is missing or not a list; each entry needs 'metric' and 'aggregation'.");
        }

        return [.. list.Select(entry =>
        {
            if (entry is not Dictionary<string, object?> m || m.GetValueOrDefault("metric") is null)
            {
                throw new ConfigException($"{file}: every metric_list entry must be a mapping with a 'metric' key.");
            }

            var args = m.Where(kv => !s_metricKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            return new MetricSpec(
                Str(m["metric"]!),
                m.GetValueOrDefault("aggregation") is { } a ? Str(a) : "mean",
                m.GetValueOrDefault("higher_is_better") is not bool b || b)
            {
                Args = Freeze(args),
            };
        })];
    }

    private static ImmutableArray<FilterSpec> Filters(Dictionary<string, object?> map, string file)
    {
        if (map.GetValueOrDefault("filter_list") is not List<object?> list)
        {
            return [FilterSpec.None];
        }

        return [.. list.Select(entry =>
        {
            if (entry is not Dictionary<string, object?> f || f.GetValueOrDefault("name") is not string name || f.GetValueOrDefault("filter") is not List<object?> steps)
            {
                throw new ConfigException($"{file}: every filter_list entry needs 'name' and a 'filter' list of {{function: ...}} steps.");
            }

            return new FilterSpec(name, [.. steps.Select(s => s is Dictionary<string, object?> step && step.GetValueOrDefault("function") is { } fn
                ? new FilterStep(Str(fn), Freeze(step.Where(kv => kv.Key != "function").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)))
                : throw new ConfigException($"{file}: filter '{name}' has a step without 'function'."))]);
        })];
    }

    private static ImmutableArray<(string, string)>? ReasoningTags(Dictionary<string, object?> map, string file) => map.GetValueOrDefault("reasoning_tags") switch
    {
        null => null,
        "none" => ImmutableArray<(string, string)>.Empty,
        List<object?> l => [.. l.Select(p => p is List<object?> { Count: 2 } pair && pair[0] is string o && pair[1] is string c
            ? (o, c)
            : throw new ConfigException($"{file}: 'reasoning_tags' must be \"none\" or a list of [open, close] pairs."))],
        _ => throw new ConfigException($"{file}: 'reasoning_tags' must be \"none\" or a list of [open, close] pairs."),
    };

    private static ImmutableSortedDictionary<string, object?> Map(Dictionary<string, object?> map, string key, string file) => map.GetValueOrDefault(key) switch
    {
        null => ImmutableSortedDictionary<string, object?>.Empty,
        Dictionary<string, object?> d => Freeze(d),
        _ => throw new ConfigException($"{file}: '{key}' must be a mapping."),
    };

    internal static ImmutableSortedDictionary<string, object?> Freeze(Dictionary<string, object?> d) =>
        d.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value is Dictionary<string, object?> inner ? Freeze(inner) : kv.Value, StringComparer.Ordinal);

    private static string Str(object value) => value switch
    {
        string s => s,
        HookRefValue h => h.Name,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
