using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tasks.Yaml;

namespace LLaDAV.Eval.Running;

/// <summary>
/// One layer of run settings (eval.yaml, a resumed manifest, or the command line): every key optional. Layers are
/// applied in order, later over earlier, into a <see cref="RunConfig"/> (DESIGN.md §5: flags override eval.yaml).
/// </summary>
public sealed record RunSettings
{
    public static readonly ImmutableSortedSet<string> Keys = ImmutableSortedSet.Create(StringComparer.Ordinal,
        "tasks", "model", "model_args", "gen_kwargs", "data_dir", "output", "limit", "seed", "device", "batch_size",
        "shard", "scoring", "reasoning_tags", "skip_missing_media", "tags", "judge_url", "judge_model", "judge_key_env", "judge_timeout", "judge_attempts", "judge_breaker", "tasks_dir", "include_path");

    public string? Tasks { get; init; }

    public string? Model { get; init; }

    public string? ModelArgs { get; init; }

    public string? GenKwargs { get; init; }

    public string? DataDir { get; init; }

    public string? Output { get; init; }

    public double? Limit { get; init; }

    public long? Seed { get; init; }

    public string? Device { get; init; }

    public int? BatchSize { get; init; }

    public string? Shard { get; init; }

    public string? Scoring { get; init; }

    public string? ReasoningTags { get; init; }

    public bool? SkipMissingMedia { get; init; }

    public string? Tags { get; init; }

    public string? JudgeUrl { get; init; }

    public string? JudgeModel { get; init; }

    public string? JudgeKeyEnv { get; init; }

    /// <summary>Seconds per judge request (<c>--judge-timeout</c>, eval.yaml <c>judge_timeout</c>).</summary>
    public double? JudgeTimeout { get; init; }

    /// <summary>Attempts per judge prompt (<c>--judge-attempts</c>, <c>judge_attempts</c>).</summary>
    public int? JudgeAttempts { get; init; }

    /// <summary>Consecutive failed judge requests that open the breaker (<c>--judge-breaker</c>, <c>judge_breaker</c>).</summary>
    public int? JudgeBreaker { get; init; }

    public string? TasksDir { get; init; }

    /// <summary>
    /// lmms-eval's <c>--include_path</c>: more task YAML folders (or files), comma-separated, added to the tasks folder.
    /// Like <see cref="TasksDir"/> it says where tasks are read from, not what a run computes, so it is not in the manifest.
    /// </summary>
    public string? IncludePath { get; init; }

    /// <summary>Reads eval.yaml; relative paths in it start at the file's folder.</summary>
    public static RunSettings FromYaml(string file)
    {
        var map = YamlTree.LoadMapping(file);
        foreach (var key in map.Keys.Where(k => !Keys.Contains(k)))
        {
            throw new ConfigException($"{file}: unknown key '{key}'. Known keys: {string.Join(", ", Keys)}.");
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        string? Str(string k) => map.GetValueOrDefault(k) switch
        {
            null => null,
            List<object?> list => string.Join(",", list),
            Dictionary<string, object?> d => string.Join(",", d.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };
        string? PathOf(string k) => Str(k) is { } p ? Path.GetFullPath(Path.Combine(dir, p)) : null;
        T? Num<T>(string k, Func<string, T> parse)
            where T : struct => Str(k) is { } s ? Wrap(file, k, () => parse(s)) : null;
        return new RunSettings
        {
            Tasks = Str("tasks"),
            Model = Str("model"),
            ModelArgs = Str("model_args"),
            GenKwargs = Str("gen_kwargs"),
            DataDir = PathOf("data_dir"),
            Output = PathOf("output"),
            Limit = Num("limit", s => double.Parse(s, CultureInfo.InvariantCulture)),
            Seed = Num("seed", s => long.Parse(s, CultureInfo.InvariantCulture)),
            Device = Str("device"),
            BatchSize = Num("batch_size", s => int.Parse(s, CultureInfo.InvariantCulture)),
            Shard = Str("shard"),
            Scoring = Str("scoring"),
            ReasoningTags = Str("reasoning_tags"),
            SkipMissingMedia = map.GetValueOrDefault("skip_missing_media") as bool?,
            Tags = Str("tags"),
            JudgeUrl = Str("judge_url"),
            JudgeModel = Str("judge_model"),
            JudgeKeyEnv = Str("judge_key_env"),
            JudgeTimeout = Num("judge_timeout", s => double.Parse(s, CultureInfo.InvariantCulture)),
            JudgeAttempts = Num("judge_attempts", s => int.Parse(s, CultureInfo.InvariantCulture)),
            JudgeBreaker = Num("judge_breaker", s => int.Parse(s, CultureInfo.InvariantCulture)),
            TasksDir = PathOf("tasks_dir"),
            IncludePath = Str("include_path") is { } inc ? string.Join(",", inc.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Path.GetFullPath(Path.Combine(dir, p)))) : null,
        };
    }

    /// <summary>The settings a run directory's manifest records, so <c>--resume DIR</c> needs no other flag.</summary>
    public static RunSettings FromManifest(JsonObject manifest)
    {
        var c = manifest["config"]!.AsObject();
        var tags = c["reasoning_tags"]!.AsArray();
        return new RunSettings
        {
            Tasks = string.Join(",", c["tasks"]!.AsArray().Select(t => (string)t!)),
            Model = (string?)c["model"],
            ModelArgs = (string?)c["model_args"],
            GenKwargs = (string?)c["gen_kwargs"],
            DataDir = (string?)c["data_dir"],
            Limit = (double?)c["limit"],
            Seed = (long?)c["seed"],
            Device = (string?)c["device"],
            BatchSize = (int?)c["batch_size"],
            Shard = (string?)manifest["shard"],
            Scoring = (string?)c["scoring"],
            ReasoningTags = tags.Count == 0 ? "none" : tags.ToJsonString(),
            SkipMissingMedia = (bool?)c["skip_missing_media"],
            Tags = string.Join(",", c["tags"]!.AsObject().Select(kv => $"{kv.Key}={(string?)kv.Value}")),
            JudgeUrl = (string?)c["judge"]?["url"],
            JudgeModel = (string?)c["judge"]?["model"],
            JudgeKeyEnv = (string?)c["judge"]?["api_key_env"],
        };
    }

    /// <summary>This layer over <paramref name="under"/>: each key set here wins.</summary>
    public RunSettings Over(RunSettings under) => new()
    {
        Tasks = Tasks ?? under.Tasks,
        Model = Model ?? under.Model,
        ModelArgs = ModelArgs ?? under.ModelArgs,
        GenKwargs = GenKwargs ?? under.GenKwargs,
        DataDir = DataDir ?? under.DataDir,
        Output = Output ?? under.Output,
        Limit = Limit ?? under.Limit,
        Seed = Seed ?? under.Seed,
        Device = Device ?? under.Device,
        BatchSize = BatchSize ?? under.BatchSize,
        Shard = Shard ?? under.Shard,
        Scoring = Scoring ?? under.Scoring,
        ReasoningTags = ReasoningTags ?? under.ReasoningTags,
        SkipMissingMedia = SkipMissingMedia ?? under.SkipMissingMedia,
        Tags = Tags ?? under.Tags,
        JudgeUrl = JudgeUrl ?? under.JudgeUrl,
        JudgeModel = JudgeModel ?? under.JudgeModel,
        JudgeKeyEnv = JudgeKeyEnv ?? under.JudgeKeyEnv,
        JudgeTimeout = JudgeTimeout ?? under.JudgeTimeout,
        JudgeAttempts = JudgeAttempts ?? under.JudgeAttempts,
        JudgeBreaker = JudgeBreaker ?? under.JudgeBreaker,
        TasksDir = TasksDir ?? under.TasksDir,
        IncludePath = IncludePath ?? under.IncludePath,
    };

    public RunConfig ToConfig()
    {
        var tasks = (Tasks ?? throw new ConfigException("No tasks given. Pass --tasks mmmu_val,mmstar (or set 'tasks:' in eval.yaml); 'lladav-eval tasks' lists them."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tasks.Length == 0)
        {
            throw new ConfigException("--tasks is empty. Name at least one task or group; 'lladav-eval tasks' lists them.");
        }

        if (Limit is { } limit && !(limit > 0 && double.IsFinite(limit)))
        {
            // lmms-eval evaluator.py: limit < 1 is a fraction of the docs (rounded up), >= 1 a count; <= 0 has no meaning.
            throw new ConfigException(string.Create(CultureInfo.InvariantCulture,
                $"--limit {limit} has no meaning: use a count >= 1 (the first N docs of each task) or a fraction 0 < L < 1 of them (lmms-eval's --limit), or leave it out for all docs."));
        }

        if (BatchSize is < 1)
        {
            throw new ConfigException($"--batch-size {BatchSize} must be at least 1.");
        }

        if (Device is { } device && !Models.Backends.ComputeDevices.IsKnown(device))
        {
            throw new ConfigException($"--device '{device}' is not known. Use one of: {string.Join(", ", Models.Backends.ComputeDevices.Known)} (cuda:N picks GPU N).");
        }

        if (JudgeTimeout is { } t && (!double.IsFinite(t) || t <= 0 || t > 3600))
        {
            throw new ConfigException($"--judge-timeout {t.ToString(CultureInfo.InvariantCulture)} must be seconds in (0, 3600]; the default is {Judging.JudgeOptions.DefaultTimeout.TotalSeconds:0} s.");
        }

        if (JudgeAttempts is < 1 or > 20)
        {
            throw new ConfigException($"--judge-attempts {JudgeAttempts} must be 1..20; the default is {Judging.JudgeOptions.DefaultMaxAttempts}.");
        }

        if (JudgeBreaker is < 1 or > 1000)
        {
            throw new ConfigException($"--judge-breaker {JudgeBreaker} must be 1..1000 consecutive failed requests; the default is {Judging.JudgeOptions.DefaultBreakerThreshold}.");
        }

        var judge = JudgeUrl is null ? null : new JudgeSettings(JudgeUrl, JudgeModel ?? "gpt-4o-2024-11-20", JudgeKeyEnv ?? "OPENAI_API_KEY")
        {
            Timeout = JudgeTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : Judging.JudgeOptions.DefaultTimeout,
            MaxAttempts = JudgeAttempts ?? Judging.JudgeOptions.DefaultMaxAttempts,
            BreakerThreshold = JudgeBreaker ?? Judging.JudgeOptions.DefaultBreakerThreshold,
        };
        return new RunConfig
        {
            Tasks = [.. tasks],
            Model = Model ?? throw new ConfigException("No model given. Pass --model lladav|llama3v|replay or set 'model:' in eval.yaml."),
            ModelArgs = ModelArgs ?? "",
            GenKwargs = GenKwargs ?? "",
            DataDir = DataDir,
            Limit = Limit,
            Seed = Seed ?? 1234,
            Device = Device ?? "cpu",
            BatchSize = BatchSize ?? 1,
            Shard = Shard is null ? ShardSpec.Whole : ShardSpec.Parse(Shard),
            Scoring = Scoring switch
            {
                null or "current" => ScoringRules.Current,
                "2025" or "legacy" => ScoringRules.Legacy2025,
                _ => throw new ConfigException($"--scoring '{Scoring}' is not known. Use 'current' (lmms-eval HEAD) or '2025' (rules before 2026-04-11, as the LLaDA-V paper was scored)."),
            },
            ReasoningTags = ParseTags(ReasoningTags),
            SkipMissingMedia = SkipMissingMedia ?? false,
            RunTags = KeyValueList.Parse(Tags, "--tag"),
            Judge = judge,
        };
    }

    private static ImmutableArray<(string, string)> ParseTags(string? text)
    {
        if (text is null)
        {
            return RunConfig.DefaultReasoningTags;
        }

        if (text is "none" or "")
        {
            return [];
        }

        try
        {
            var pairs = System.Text.Json.JsonSerializer.Deserialize<List<List<string>>>(text) ?? [];
            return [.. pairs.Select(p => p.Count == 2 ? (p[0], p[1]) : throw new ConfigException($"--reasoning-tags entry [{string.Join(",", p)}] must be [open, close]."))];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ConfigException($"--reasoning-tags '{text}' must be 'none' or a JSON list of [open, close] pairs, e.g. [[\"<think>\",\"</think>\"]].", e);
        }
    }

    private static T Wrap<T>(string file, string key, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new ConfigException($"{file}: '{key}' must be a number.", e);
        }
    }
}
