using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Running;

/// <summary>How a setting is given on the command line.</summary>
public enum SettingInput
{
    /// <summary><c>--flag VALUE</c>.</summary>
    Text,

    /// <summary><c>--flag</c> alone means true.</summary>
    Switch,

    /// <summary><c>--flag k=v</c>, repeatable; the values are joined with commas.</summary>
    Repeated,
}

/// <summary>How a setting's value is a path: relative ones start at the eval.yaml's folder, or the working folder for flags.</summary>
public enum SettingPath
{
    None,
    One,
    CommaList,
}

/// <summary>
/// One run setting: where it is read from (flag, eval.yaml key, manifest key), its type, default and check, whether a
/// resumed run must match it, and where <see cref="RunConfig"/> keeps it. Every verb and file that knows run settings
/// is derived from <see cref="RunSettingTable.All"/> (docs/ARCHITECTURE.md "Run settings").
/// </summary>
public abstract class RunSetting
{
    private protected RunSetting()
    {
    }

    /// <summary>The eval.yaml key, and the key of the setting in every layer.</summary>
    public required string Key { get; init; }

    /// <summary>The command-line flag (<c>run</c>, <c>sweep</c>; <c>launch</c> and <c>submit</c> forward <c>run</c>'s).</summary>
    public required string Flag { get; init; }

    /// <summary>The flag's help line.</summary>
    public required string Help { get; init; }

    public SettingInput Input { get; init; } = SettingInput.Text;

    public SettingPath Path { get; init; } = SettingPath.None;

    /// <summary>Where manifest.json records it (<c>config.x</c>, <c>config.judge.x</c>, or top-level <c>shard</c>); null: not recorded.</summary>
    public string? Manifest { get; init; }

    /// <summary>
    /// Whether <c>--resume</c> (and <c>merge</c>) require the manifest's value: true for everything that changes
    /// results; false for throughput-only settings (README "Resuming"), which are recorded but may differ.
    /// </summary>
    public bool Compared { get; init; } = true;

    /// <summary>False where a verb owns the flag name itself (e.g. <c>sweep --output</c> is the folder of all its runs).</summary>
    public bool OnSweep { get; init; } = true;

    /// <summary>The text a flag's raw value stands for in the layer (null: as given). Lets lmms-eval's list form of --seed in.</summary>
    public Func<string, string?>? FromFlag { get; init; }

    /// <summary>Parses, defaults and checks a layer's text; each problem is added to <paramref name="errors"/>.</summary>
    internal abstract RunConfig Apply(RunConfig config, RunSettings.Input? input, ICollection<string> errors);

    /// <summary>The manifest's JSON for the value in <paramref name="config"/>.</summary>
    internal abstract JsonNode? ToManifest(RunConfig config);

    /// <summary>The layer text for a manifest's JSON value (the inverse of <see cref="ToManifest"/>), or null when unset.</summary>
    internal abstract string? FromManifest(JsonNode? node);
}

/// <summary>A run setting of type <typeparamref name="T"/> (see <see cref="RunSetting"/>).</summary>
public sealed class RunSetting<T> : RunSetting
{
    /// <summary>Text to value; throws <see cref="ConfigException"/> (or <see cref="FormatException"/>) with the reason.</summary>
    public required Func<string, T> Parse { get; init; }

    public required T Default { get; init; }

    /// <summary>When the setting must be given: the message that says so.</summary>
    public string? Missing { get; init; }

    /// <summary>Range and consistency check of a parsed value: the error message, or null.</summary>
    public Func<T, string?>? Check { get; init; }

    /// <summary>Where <see cref="RunConfig"/> keeps it; null: in <see cref="RunConfig.Settings"/>, read with <see cref="RunConfig.Get{T}"/>.</summary>
    public Func<RunConfig, T>? Read { get; init; }

    public Func<RunConfig, T, RunConfig>? Write { get; init; }

    /// <summary>The manifest's JSON of a value; null: the value itself (string, number, bool or null).</summary>
    public Func<T, JsonNode?>? Json { get; init; }

    /// <summary>The layer text of a manifest's JSON; null: the JSON value's text.</summary>
    public Func<JsonNode, string?>? FromJson { get; init; }

    public T ValueIn(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Read is { } read ? read(config) : config.Settings.TryGetValue(Key, out var v) ? (T)v! : Default;
    }

    internal override RunConfig Apply(RunConfig config, RunSettings.Input? input, ICollection<string> errors)
    {
        var value = Default;
        if (input is null)
        {
            if (Missing is { } missing)
            {
                errors.Add(missing);
                return config;
            }
        }
        else
        {
            try
            {
                value = Parse(input.Text);
            }
            catch (ConfigException e)
            {
                errors.Add(e.Message);
                return config;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                errors.Add($"{input.Origin} '{input.Text}' must be {e.Message}.");
                return config;
            }

            if (Check?.Invoke(value) is { } problem)
            {
                errors.Add(problem);
                return config;
            }
        }

        return Write is { } write ? write(config, value) : config with { Settings = config.Settings.SetItem(Key, value) };
    }

    internal override JsonNode? ToManifest(RunConfig config)
    {
        var value = ValueIn(config);
        return Json is { } json ? json(value) : Primitive(value);
    }

    /// <summary>A string, number or bool as a JSON value of its own type (no reflection: the tool is trimmed-safe).</summary>
    private static JsonNode? Primitive(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => throw new InvalidOperationException($"run setting value of type {value.GetType().Name} needs a Json converter in its RunSettingTable row"),
    };

    internal override string? FromManifest(JsonNode? node) => node switch
    {
        null => null,
        _ when FromJson is { } f => f(node),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}

/// <summary>
/// Every run setting, once (issue 28 §3). Adding one is a row here plus the code that uses it: the flags of
/// <c>run</c> and <c>sweep</c>, eval.yaml's keys, the manifest's <c>config</c>, the <c>--resume</c> check and the one
/// place that validates them (<see cref="RunSettings.ToConfig"/>) all come from this list. The order of the rows with
/// a manifest key is the order of manifest.json's <c>config</c> object.
/// </summary>
public static class RunSettingTable
{
    public static readonly RunSetting<ImmutableArray<string>> Tasks = new()
    {
        Key = "tasks", Flag = "--tasks", Manifest = "config.tasks",
        Help = "Comma-separated tasks or groups, e.g. mmmu_val,mmstar.",
        Parse = text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names
            ? [.. names]
            : throw new ConfigException("--tasks is empty. Name at least one task or group; 'lladav-eval tasks' lists them."),
        Default = [],
        Missing = "No tasks given. Pass --tasks mmmu_val,mmstar (or set 'tasks:' in eval.yaml); 'lladav-eval tasks' lists them.",
        Read = c => c.Tasks, Write = (c, v) => c with { Tasks = v },
        Json = v => new JsonArray([.. v.Select(t => (JsonNode?)JsonValue.Create(t))]),
        FromJson = n => string.Join(",", n.AsArray().Select(t => (string)t!)),
    };

    public static readonly RunSetting<string> Model = new()
    {
        Key = "model", Flag = "--model", Manifest = "config.model",
        Help = $"Backend: {Backends.BackendRegistry.Default.Names}.",
        Parse = text => text,
        Default = "",
        Missing = $"No model given. Pass --model {string.Join("|", Backends.BackendRegistry.Default.Factories.Select(f => f.Name))} or set 'model:' in eval.yaml.",
        Read = c => c.Model, Write = (c, v) => c with { Model = v },
    };

    public static readonly RunSetting<string> ModelArgs = new()
    {
        Key = "model_args", Flag = "--model-args", Manifest = "config.model_args",
        Help = "Backend arguments k=v,k=v (e.g. path=DIR, responses=FILE); each backend's keys are in README's Models section.",
        Parse = text => text, Default = "",
        Check = v => Syntax(v, "--model-args"),
        Read = c => c.ModelArgs, Write = (c, v) => c with { ModelArgs = v },

        // Secrets (a served model's api_key) never reach the manifest (issue 25); resume compares the redacted form.
        Json = v => Errors.Redact.ModelArgs(v),
    };

    public static readonly RunSetting<string> GenKwargs = new()
    {
        Key = "gen_kwargs", Flag = "--gen-kwargs", Manifest = "config.gen_kwargs",
        Help = "Generation settings k=v,... merged over every task's generation_kwargs.",
        Parse = text => text, Default = "",
        Check = v => Syntax(v, "--gen-kwargs"),
        Read = c => c.GenKwargs, Write = (c, v) => c with { GenKwargs = v },
    };

    public static readonly RunSetting<string?> DataDir = new()
    {
        Key = "data_dir", Flag = "--data-dir", Manifest = "config.data_dir", Path = SettingPath.One,
        Help = "Folder of HF dataset snapshots (org/name/...). Default: the HF cache, else each task's embedded sample.",
        Parse = text => text, Default = null,
        Read = c => c.DataDir, Write = (c, v) => c with { DataDir = v },
    };

    public static readonly RunSetting<double?> Limit = new()
    {
        Key = "limit", Flag = "--limit", Manifest = "config.limit",
        Help = "Evaluate the first N docs (or a fraction 0<L<1) of each task. For testing.",
        Parse = text => Number(text),
        Default = null,

        // lmms-eval evaluator.py: limit < 1 is a fraction of the docs (rounded up), >= 1 a count; <= 0 has no meaning.
        Check = v => v is { } limit && !(limit > 0 && double.IsFinite(limit))
            ? string.Create(CultureInfo.InvariantCulture, $"--limit {limit} has no meaning: use a count >= 1 (the first N docs of each task) or a fraction 0 < L < 1 of them (lmms-eval's --limit), or leave it out for all docs.")
            : null,
        Read = c => c.Limit, Write = (c, v) => c with { Limit = v },
    };

    public static readonly RunSetting<long> Seed = new()
    {
        Key = "seed", Flag = "--seed", Manifest = "config.seed",
        Help = "Run seed; per-doc seeds derive from (seed, task, doc id). lmms-eval's list form 'random,numpy,torch,fewshot' (e.g. 0,1234,1234,1234; 'None' allowed) is accepted: its torch seed is ours.",
        Parse = text => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException("a whole number"),
        Default = 1234,
        FromFlag = text => LmmsEvalSeed.RunSeed(text)?.ToString(CultureInfo.InvariantCulture),
        Read = c => c.Seed, Write = (c, v) => c with { Seed = v },
    };

    public static readonly RunSetting<string> Device = new()
    {
        Key = "device", Flag = "--device", Manifest = "config.device",
        Help = "cpu, cuda or cuda:N.",
        Parse = text => text, Default = "cpu",
        Check = v => Models.Backends.ComputeDevices.IsKnown(v) ? null : $"--device '{v}' is not known. Use one of: {string.Join(", ", Models.Backends.ComputeDevices.Known)} (cuda:N picks GPU N).",
        Read = c => c.Device, Write = (c, v) => c with { Device = v },
    };

    /// <summary>Throughput only (README "Resuming"): recorded, not compared.</summary>
    public static readonly RunSetting<int> BatchSize = new()
    {
        Key = "batch_size", Flag = "--batch-size", Manifest = "config.batch_size", Compared = false,
        Help = "Documents per model call; results do not depend on it.",
        Parse = Whole, Default = 1,
        Check = v => v < 1 ? $"--batch-size {v} must be at least 1." : null,
        Read = c => c.BatchSize, Write = (c, v) => c with { BatchSize = v },
    };

    public static readonly RunSetting<ScoringRules> Scoring = new()
    {
        Key = "scoring", Flag = "--scoring", Manifest = "config.scoring",
        Help = "Answer-extraction rules: current (lmms-eval HEAD) or 2025 (before 2026-04-11, as the paper).",
        Parse = text => text switch
        {
            "current" => ScoringRules.Current,
            "2025" or "legacy" => ScoringRules.Legacy2025,
            _ => throw new ConfigException($"--scoring '{text}' is not known. Use 'current' (lmms-eval HEAD) or '2025' (rules before 2026-04-11, as the LLaDA-V paper was scored)."),
        },
        Default = ScoringRules.Current,
        Read = c => c.Scoring, Write = (c, v) => c with { Scoring = v },
        Json = v => v == ScoringRules.Legacy2025 ? "2025" : "current",
    };

    public static readonly RunSetting<ImmutableArray<(string Open, string Close)>> ReasoningTags = new()
    {
        Key = "reasoning_tags", Flag = "--reasoning-tags", Manifest = "config.reasoning_tags",
        Help = "Blocks stripped before scoring: none, or JSON [[open, close], ...].",
        Parse = ParseTags, Default = RunConfig.DefaultReasoningTags,
        Read = c => c.ReasoningTags, Write = (c, v) => c with { ReasoningTags = v },
        Json = v => new JsonArray([.. v.Select(t => (JsonNode?)new JsonArray(t.Open, t.Close))]),
        FromJson = n => n.AsArray().Count == 0 ? "none" : n.ToJsonString(),
    };

    public static readonly RunSetting<bool> SkipMissingMedia = new()
    {
        Key = "skip_missing_media", Flag = "--skip-missing-media", Manifest = "config.skip_missing_media", Input = SettingInput.Switch,
        Help = "Record samples whose image/video is missing as skipped instead of failing.",
        Parse = Bool, Default = false,
        Read = c => c.SkipMissingMedia, Write = (c, v) => c with { SkipMissingMedia = v },
    };

    public static readonly RunSetting<string?> JudgeUrl = new()
    {
        Key = "judge_url", Flag = "--judge-url", Manifest = "config.judge.url",
        Help = "OpenAI-compatible chat endpoint for judge-scored tasks (optional).",
        Parse = text => text, Default = null,
        Read = c => c.Judge?.Url,
        Write = (c, v) => c with { Judge = v is null ? null : new JudgeSettings(v, "", null) },
        Json = v => v is null ? null : Errors.Redact.Url(v),
    };

    public static readonly RunSetting<string> JudgeModel = new()
    {
        Key = "judge_model", Flag = "--judge-model", Manifest = "config.judge.model",
        Help = "Judge model name (default gpt-4o-2024-11-20).",
        Parse = text => text, Default = "gpt-4o-2024-11-20",
        Read = c => c.Judge?.Model!, Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { Model = v } },
    };

    public static readonly RunSetting<string> JudgeKeyEnv = new()
    {
        Key = "judge_key_env", Flag = "--judge-key-env", Manifest = "config.judge.api_key_env",
        Help = "Environment variable holding the judge's API key (default OPENAI_API_KEY).",
        Parse = text => text, Default = "OPENAI_API_KEY",
        Read = c => c.Judge?.ApiKeyEnvironmentVariable!, Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { ApiKeyEnvironmentVariable = v } },
    };

    public static readonly RunSetting<ImmutableSortedDictionary<string, string>> Tags = new()
    {
        Key = "tags", Flag = "--tag", Manifest = "config.tags", Input = SettingInput.Repeated,
        Help = "Run metadata k=v (repeatable), e.g. --tag train_samples=3M for scaling plots.",
        Parse = text => KeyValueList.Parse(text, "--tag"), Default = ImmutableSortedDictionary<string, string>.Empty,
        Read = c => c.RunTags, Write = (c, v) => c with { RunTags = v },
        Json = v => new JsonObject(v.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        FromJson = n => string.Join(",", n.AsObject().Select(kv => $"{kv.Key}={(string?)kv.Value}")),
    };

    /// <summary>Where the run folder goes; the run directory it names is not a setting of the run itself.</summary>
    public static readonly RunSetting<string?> Output = new()
    {
        Key = "output", Flag = "--output", Path = SettingPath.One, OnSweep = false,
        Help = "Results root (default results/); the run goes to <output>/<model>/<run-id>/.",
        Parse = text => text, Default = null,
    };

    /// <summary>Recorded as the manifest's top-level <c>shard</c> (compared on resume by the runner, beside <c>config</c>).</summary>
    public static readonly RunSetting<ShardSpec> Shard = new()
    {
        Key = "shard", Flag = "--shard", Manifest = "shard",
        Help = "K/N: evaluate every N-th doc starting at K (0-based); join shards with 'merge'.",
        Parse = ShardSpec.Parse, Default = ShardSpec.Whole,
        Read = c => c.Shard, Write = (c, v) => c with { Shard = v },
        Json = v => v.ToString(),
    };

    /// <summary>
    /// The judge's timeout, attempts and breaker bound how long a dead judge holds a run but never change a verdict
    /// (issue 14 §3), so they are not recorded and may differ on <c>--resume</c>.
    /// </summary>
    public static readonly RunSetting<double?> JudgeTimeout = new()
    {
        Key = "judge_timeout", Flag = "--judge-timeout",
        Help = $"Seconds per judge request (default {Judging.JudgeOptions.DefaultTimeout.TotalSeconds:0}); not part of the run's configuration.",
        Parse = text => Number(text), Default = null,
        Check = v => v is { } t && (!double.IsFinite(t) || t <= 0 || t > 3600)
            ? $"--judge-timeout {t.ToString(CultureInfo.InvariantCulture)} must be seconds in (0, 3600]; the default is {Judging.JudgeOptions.DefaultTimeout.TotalSeconds:0} s."
            : null,
        Read = c => c.Judge?.Timeout.TotalSeconds,
        Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { Timeout = v is { } s ? TimeSpan.FromSeconds(s) : Judging.JudgeOptions.DefaultTimeout } },
    };

    public static readonly RunSetting<int?> JudgeAttempts = new()
    {
        Key = "judge_attempts", Flag = "--judge-attempts",
        Help = $"Attempts per judge prompt (default {Judging.JudgeOptions.DefaultMaxAttempts}).",
        Parse = text => Whole(text), Default = null,
        Check = v => v is < 1 or > 20 ? $"--judge-attempts {v} must be 1..20; the default is {Judging.JudgeOptions.DefaultMaxAttempts}." : null,
        Read = c => c.Judge?.MaxAttempts,
        Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { MaxAttempts = v ?? Judging.JudgeOptions.DefaultMaxAttempts } },
    };

    public static readonly RunSetting<int?> JudgeBreaker = new()
    {
        Key = "judge_breaker", Flag = "--judge-breaker",
        Help = $"Consecutive failed judge requests after which the judge is treated as down for the rest of the run (default {Judging.JudgeOptions.DefaultBreakerThreshold}); its samples stay unscored for --resume.",
        Parse = text => Whole(text), Default = null,
        Check = v => v is < 1 or > 1000 ? $"--judge-breaker {v} must be 1..1000 consecutive failed requests; the default is {Judging.JudgeOptions.DefaultBreakerThreshold}." : null,
        Read = c => c.Judge?.BreakerThreshold,
        Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { BreakerThreshold = v ?? Judging.JudgeOptions.DefaultBreakerThreshold } },
    };

    /// <summary>
    /// Where judge verdicts are cached (default <see cref="Judging.JudgeOptions.DefaultCacheDirectory"/>): e.g. shared
    /// storage, so the shards of a Slurm array reuse each other's verdicts. A cache hit returns the verdict the judge
    /// gave for the same (model, template, input), so the folder never changes results: not recorded, not compared.
    /// </summary>
    public static readonly RunSetting<string?> JudgeCacheDir = new()
    {
        Key = "judge_cache_dir", Flag = "--judge-cache-dir", Path = SettingPath.One,
        Help = "Folder of cached judge verdicts (default $XDG_CACHE_HOME/lladav-eval/judge); not part of the run's configuration.",
        Parse = text => text, Default = null,
        Read = c => c.Judge?.CacheDirectory,
        Write = (c, v) => c.Judge is null ? c : c with { Judge = c.Judge with { CacheDirectory = v } },
    };

    /// <summary>
    /// Batches whose media a backend with <see cref="Models.Backends.IMediaPrefetch"/> decodes and preprocesses on other
    /// threads while the model runs (README "Video frames and the media pipeline"). Throughput only: results, samples
    /// and report do not depend on it, so it is neither recorded in the manifest nor compared on <c>--resume</c>.
    /// </summary>
    public static readonly RunSetting<int> MediaPrefetch = new()
    {
        Key = "media_prefetch", Flag = "--media-prefetch",
        Help = "Batches whose images/videos are decoded and preprocessed on other threads while the model runs (0: inline). Results do not depend on it.",
        Parse = Whole, Default = 2,
        Check = v => v < 0 ? $"--media-prefetch {v} must be 0 (prepare media inline) or a positive number of batches." : null,
    };

    public static readonly RunSetting<string?> TasksDir = new()
    {
        Key = "tasks_dir", Flag = "--tasks-dir", Path = SettingPath.One,
        Help = "Tasks folder (default: tasks/ of the checkout).",
        Parse = text => text, Default = null,
    };

    /// <summary>
    /// lmms-eval's <c>--include_path</c> (__main__.py, TaskManager include_path): more task YAML folders (or files),
    /// comma-separated in eval.yaml. Like <see cref="TasksDir"/> it says where tasks are read from, not what a run
    /// computes, so it is not in the manifest.
    /// </summary>
    public static readonly RunSetting<string?> IncludePath = new()
    {
        Key = "include_path", Flag = "--include_path", Path = SettingPath.CommaList,
        Help = "lmms-eval: a folder of task YAMLs (or a task .yaml) added to the built-in tasks; a built-in name wins on a clash.",
        Parse = text => text, Default = null,
    };

    /// <summary>Every setting, in manifest order first.</summary>
    public static readonly ImmutableArray<RunSetting> All =
    [
        Tasks, Model, ModelArgs, GenKwargs, DataDir, Limit, Seed, Device, BatchSize, Scoring, ReasoningTags, SkipMissingMedia,
        JudgeUrl, JudgeModel, JudgeKeyEnv, Tags, Output, Shard, JudgeTimeout, JudgeAttempts, JudgeBreaker, JudgeCacheDir, MediaPrefetch, TasksDir, IncludePath,
    ];

    public static readonly ImmutableSortedDictionary<string, RunSetting> ByKey = All.ToImmutableSortedDictionary(s => s.Key, s => s, StringComparer.Ordinal);

    /// <summary>
    /// Manifest paths recorded but not compared on <c>--resume</c> or between merged shards (throughput only).
    /// </summary>
    public static readonly ImmutableHashSet<string> NotCompared =
        [.. All.Where(s => s is { Manifest: not null, Compared: false }).Select(s => s.Manifest!)];

    private static string? Syntax(string text, string flag)
    {
        try
        {
            _ = KeyValueList.Parse(text, flag);
            return null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException("a number");

    private static int Whole(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException("a whole number");

    private static bool Bool(string text) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException("true or false"),
    };

    private static ImmutableArray<(string, string)> ParseTags(string text)
    {
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
}
