using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Running.LmmsEval;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// lmms-eval's command line on <c>lladav-eval run</c> (issue 17 §1b): its underscore flags beside ours, its model
/// names for our backends, and with <c>--output_path</c> its file layout (lmms-eval 75571cf <c>__main__.py</c>,
/// <c>loggers/evaluation_tracker.py</c>). Kept apart from RunCommand so the two evolve separately.
/// </summary>
internal static partial class LmmsEvalFlags
{
    private static readonly Option<string?> s_modelArgs = new("--model_args") { Description = "lmms-eval: = --model-args (pretrained=, conv_template=, model_name=, ...)." };
    private static readonly Option<string?> s_genKwargs = new("--gen_kwargs") { Description = "lmms-eval: = --gen-kwargs; a JSON object (the LLaDA-V fork) or k=v,..." };
    private static readonly Option<string?> s_batchSize = new("--batch_size") { Description = "lmms-eval: = --batch-size (a whole number)." };
    private static readonly Option<string?> s_outputPath = new("--output_path") { Description = "lmms-eval: results root (= --output) and also <path>/<model>/<date>_results.json, <date>_samples_<task>.jsonl." };
    private static readonly Option<bool> s_logSamples = new("--log_samples") { Description = "lmms-eval: write <date>_samples_<task>.jsonl under --output_path (our samples_<task>.jsonl are always written)." };
    private static readonly Option<string?> s_logSamplesSuffix = new("--log_samples_suffix") { Description = "lmms-eval: accepted; at 75571cf it names only W&B runs, not files." };
    private static readonly Option<int?> s_numFewshot = new("--num_fewshot") { Description = "lmms-eval: only 0 (every ported task is zero-shot)." };
    private static readonly Option<bool> s_predictOnly = new("--predict_only") { Description = "lmms-eval: accepted; responses are written and also scored." };
    private static readonly Option<string?> s_verbosity = new("--verbosity") { Description = "lmms-eval: log level TRACE, DEBUG (= --verbose), INFO (default), SUCCESS, WARNING, ERROR or CRITICAL (WARNING and above: no progress or configuration lines)." };
    private static readonly Option<string?> s_timezone = new("--timezone") { Description = "lmms-eval: time zone of the <date> in --output_path file names and results' 'date' (default Asia/Singapore)." };
    private static readonly Option<string?> s_reasoningTags = new("--reasoning_tags") { Description = "lmms-eval: = --reasoning-tags (none, or JSON [[open, close], ...])." };
    private static readonly Option<int?> s_offset = new("--offset") { Description = "lmms-eval: only 0 (use --shard K/N to split a task)." };

    /// <summary>lmms-eval <c>--model</c> names of our backends (docs/LMMS-EVAL.md §3.4, docs/LLADAV-MODEL.md §7.1, §9).</summary>
    public static string? Backend(string? model, string? modelArgs) => model switch
    {
        // The LLaDA-V fork registers its wrapper as both names.
        "llava_onevision_llada" or "llava_llada" => "lladav",

        // The paper's LLaMA3-V baseline ran through lmms-eval's llava_onevision with conv_template=llava_llama_3.
        "llava_onevision" when KeyValueList.Parse(modelArgs, "--model_args").GetValueOrDefault("conv_template") == "llava_llama_3" => "llama3v",
        "llava_onevision" => throw new ConfigException("--model llava_onevision: lladav-eval runs it only as the paper's LLaMA3-V baseline (--model_args conv_template=llava_llama_3,...); other llava_onevision checkpoints (Qwen) are not ported."),
        _ => model,
    };

    public static void AddTo(Command command)
    {
        foreach (var o in new Option[] { s_modelArgs, s_genKwargs, s_batchSize, s_outputPath, s_logSamples, s_logSamplesSuffix, s_numFewshot, s_predictOnly, s_verbosity, s_offset, s_timezone, s_reasoningTags })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Our flags with lmms-eval's folded in; an lmms-eval flag given beside ours for the same setting is refused.</summary>
    public static RunSettings Apply(ParseResult parse, RunSettings ours)
    {
        ArgumentNullException.ThrowIfNull(ours);
        _ = Verbosity(parse);
        _ = TimeZone(parse);

        // --include_path is a table setting (eval.yaml include_path); the flag must name something that exists.
        var include = ours[RunSettingTable.IncludePath];
        if (include is not null && !Directory.Exists(include) && !File.Exists(include))
        {
            throw new ConfigException($"--include_path {RunSettingOptions.Given(parse, RunSettingTable.IncludePath)}: no such folder. Pass a folder holding task YAMLs (lmms-eval's TaskManager include_path).");
        }

        var (tasks, yamls) = TaskPaths(ours[RunSettingTable.Tasks]);
        var includes = string.Join(",", new[] { include, yamls }.Where(x => !string.IsNullOrEmpty(x)));

        if (parse.GetValue(s_numFewshot) is { } shots and not 0)
        {
            throw new ConfigException($"--num_fewshot {shots}: every ported task is zero-shot (lmms-eval's multimodal tasks have no fewshot split); pass 0 or leave it out.");
        }

        // lmms-eval 75571cf __main__.py cli_evaluate: "Specify --output_path if providing --log_samples or
        // --predict_only" (a ValueError before anything runs). Accepted silently, the flag wrote no file at all.
        if ((parse.GetValue(s_logSamples) || parse.GetValue(s_predictOnly)) && parse.GetValue(s_outputPath) is null)
        {
            throw new ConfigException($"{(parse.GetValue(s_logSamples) ? "--log_samples" : "--predict_only")} writes lmms-eval's <output_path>/<model>/<date>_samples_<task>.jsonl: specify --output_path (as lmms-eval requires). Our samples_<task>.jsonl are written to the run folder without it.");
        }

        if (parse.GetValue(s_offset) is { } offset and not 0)
        {
            throw new ConfigException($"--offset {offset}: not supported; use --limit N or --shard K/N.");
        }

        var modelArgs = Either(ours[RunSettingTable.ModelArgs], parse.GetValue(s_modelArgs), "--model-args", "--model_args");
        var reasoningTags = Either(ours[RunSettingTable.ReasoningTags], parse.GetValue(s_reasoningTags), "--reasoning-tags", "--reasoning_tags");
        var genKwargs = Either(ours[RunSettingTable.GenKwargs], parse.GetValue(s_genKwargs) is { } g ? GenKwargs(g) : null, "--gen-kwargs", "--gen_kwargs");
        var batch = parse.GetValue(s_batchSize) is { } b
            ? int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ConfigException($"--batch_size {b}: a positive whole number ('auto' is not supported).")
            : (int?)null;
        var ourBatch = ours[RunSettingTable.BatchSize];
        if (batch is not null && ourBatch is not null && batch.Value.ToString(CultureInfo.InvariantCulture) != ourBatch)
        {
            throw new ConfigException("--batch-size and --batch_size disagree; give one.");
        }

        var output = parse.GetValue(s_outputPath) is { } p ? Path.GetFullPath(p) : null;
        if (output is not null && ours[RunSettingTable.Output] is { } ourOutput && output != ourOutput)
        {
            throw new ConfigException("--output and --output_path disagree; give one.");
        }

        // A setting these flags leave as it was keeps where it came from (--batch-size, eval.yaml's key), so an error
        // names what the user typed: a bad --batch-size used to be reported as "--batch_size".
        RunSettings Set(RunSettings layer, RunSetting setting, string? text, string origin) =>
            text == ours[setting] ? layer : layer.With(setting, text, origin);

        var layer = Set(ours, RunSettingTable.Tasks, tasks, "--tasks");
        layer = Set(layer, RunSettingTable.IncludePath, includes.Length == 0 ? null : includes, "--include_path");
        layer = Set(layer, RunSettingTable.Model, Backend(ours[RunSettingTable.Model], modelArgs), "--model");
        layer = Set(layer, RunSettingTable.ModelArgs, modelArgs, "--model_args");
        layer = Set(layer, RunSettingTable.GenKwargs, genKwargs, "--gen_kwargs");
        layer = Set(layer, RunSettingTable.ReasoningTags, reasoningTags, "--reasoning_tags");
        layer = Set(layer, RunSettingTable.BatchSize, batch?.ToString(CultureInfo.InvariantCulture) ?? ourBatch, "--batch_size");
        return Set(layer, RunSettingTable.Output, output ?? ours[RunSettingTable.Output], "--output_path");
    }

    /// <summary>loguru's level names, in order (lmms-eval passes --verbosity to <c>eval_logger.add(level=...)</c>, which knows only these).</summary>
    internal static readonly string[] Levels = ["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"];

    /// <summary><c>--verbosity</c> (default INFO); any other name is a usage error (loguru: "Level 'X' does not exist").</summary>
    public static string Verbosity(ParseResult parse)
    {
        var level = parse.CommandResult.Command.Options.Contains(s_verbosity) ? parse.GetValue(s_verbosity) : null;
        return level is null ? "INFO"
            : Levels.Contains(level, StringComparer.Ordinal) ? level
            : throw new ConfigException($"--verbosity {level}: not a log level. Use one of {string.Join(", ", Levels)} (upper case, as lmms-eval's loguru takes them).");
    }

    /// <summary>DEBUG or TRACE: stack traces and debug lines, as --verbose.</summary>
    public static bool DebugVerbosity(ParseResult parse) => Array.IndexOf(Levels, Verbosity(parse)) <= 1;

    /// <summary>WARNING and above: the INFO lines (configuration, progress) are not printed.</summary>
    public static bool QuietVerbosity(ParseResult parse) => Array.IndexOf(Levels, Verbosity(parse)) >= 4;

    /// <summary>
    /// <c>--timezone</c> (default Asia/Singapore, <c>utils.get_datetime_str</c> via <c>pytz.timezone</c>): an IANA
    /// name, else a usage error. Singapore has been UTC+8 since 1982, so it needs no tz database.
    /// </summary>
    public static TimeZoneInfo TimeZone(ParseResult parse)
    {
        var name = parse.GetValue(s_timezone) ?? "Asia/Singapore";
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return name == "Asia/Singapore"
                ? TimeZoneInfo.CreateCustomTimeZone(name, TimeSpan.FromHours(8), name, name)
                : throw new ConfigException($"--timezone {name}: not a known time zone (IANA names, e.g. Asia/Singapore, America/New_York, UTC).", e);
        }
    }

    /// <summary>
    /// The lmms-eval flags of this command line that <c>--resume</c> needs again to write lmms-eval's files: the
    /// manifest records our settings, not <c>--output_path</c>'s layout (<c>--log_samples</c>, <c>--predict_only</c>,
    /// <c>--timezone</c>) nor the spellings lmms-eval's <c>config</c> records (<c>--model</c> as typed with its
    /// <c>--model_args</c>, <c>--gen_kwargs</c>, <c>--batch_size</c>). Empty without <c>--output_path</c>: then no
    /// lmms-eval file is written and a plain <c>--resume DIR</c> finishes the run.
    /// </summary>
    public static IReadOnlyList<string> ResumeFlags(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(s_outputPath) is not { } output)
        {
            return [];
        }

        var flags = new List<string>();
        if (RunSettingOptions.Given(parse, RunSettingTable.Model) is { } model && model != Backend(model, parse.GetValue(s_modelArgs)))
        {
            flags.AddRange(["--model", model]);
        }

        foreach (var (option, value) in new[] { (s_modelArgs, parse.GetValue(s_modelArgs)), (s_genKwargs, parse.GetValue(s_genKwargs)), (s_batchSize, parse.GetValue(s_batchSize)) })
        {
            if (value is not null)
            {
                flags.AddRange([option.Name, value]);
            }
        }

        flags.AddRange(["--output_path", Path.GetFullPath(output)]);
        flags.AddRange(parse.GetValue(s_logSamples) ? ["--log_samples"] : []);
        flags.AddRange(parse.GetValue(s_predictOnly) ? ["--predict_only"] : []);
        flags.AddRange(parse.GetValue(s_timezone) is { } zone ? ["--timezone", zone] : []);
        return flags;
    }

    /// <summary>lmms-eval's default <c>--seed</c>: random, numpy, torch, fewshot.</summary>
    internal const string DefaultSeeds = LmmsEvalSeed.Default;

    /// <inheritdoc cref="LmmsEvalSeed.List"/>
    public static ImmutableArray<long?> SeedList(string text) => LmmsEvalSeed.List(text);

    /// <inheritdoc cref="LmmsEvalSeed.RunSeed"/>
    public static long? RunSeed(string? text) => LmmsEvalSeed.RunSeed(text);

    /// <summary>
    /// Task YAML paths in <c>--tasks</c> (__main__.py 686-712): the whole value a folder → every <c>*.yaml</c> in it;
    /// else each item that names an existing file is loaded as a task config. Returns the names and the paths to add
    /// to the catalog.
    /// </summary>
    internal static (string? Tasks, string? Include) TaskPaths(string? tasks)
    {
        if (tasks is null)
        {
            return (null, null);
        }

        if (Directory.Exists(tasks) && !tasks.Contains(',', StringComparison.Ordinal))
        {
            var dir = Path.GetFullPath(tasks);
            var files = Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal).ToList();
            return files.Count == 0
                ? throw new ConfigException($"--tasks {tasks}: the folder holds no *.yaml task files.")
                : (string.Join(",", files.Select(YamlName)), string.Join(",", files));
        }

        var names = new List<string>();
        var paths = new List<string>();
        foreach (var item in tasks.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if ((item.EndsWith(".yaml", StringComparison.Ordinal) || item.EndsWith(".yml", StringComparison.Ordinal)) && File.Exists(item))
            {
                names.Add(YamlName(item));
                paths.Add(Path.GetFullPath(item));
            }
            else
            {
                names.Add(item);
            }
        }

        return (string.Join(",", names), paths.Count == 0 ? null : string.Join(",", paths));
    }

    /// <summary>The <c>task</c> (or <c>group</c>) a task YAML file defines.</summary>
    private static string YamlName(string file)
    {
        return Tasks.TaskCatalog.DefinedName(Path.GetFullPath(file))
            ?? throw new ConfigException($"{file}: a task YAML given in --tasks needs a 'task:' name (or 'group:').");
    }

    /// <summary>What lmms-eval's files record about this command line (see <see cref="LmmsEvalInvocation"/>).</summary>
    public static LmmsEvalInvocation Invocation(ParseResult parse, RunConfig config, DateTimeOffset started, double startTime, string root)
    {
        ArgumentNullException.ThrowIfNull(config);
        var typedModel = RunSettingOptions.Given(parse, RunSettingTable.Model);
        var typedModelArgs = RunSettingOptions.Given(parse, RunSettingTable.ModelArgs);
        var typedGenKwargs = RunSettingOptions.Given(parse, RunSettingTable.GenKwargs);
        var typedSeed = RunSettingOptions.Given(parse, RunSettingTable.Seed);
        var typedTasks = RunSettingOptions.Given(parse, RunSettingTable.Tasks);
        var seeds = SeedList(typedSeed ?? DefaultSeeds);
        var model = typedModel ?? config.Model;
        // A served model's api_key never reaches lmms-eval's files or the printed banner (issue 25 §1).
        var modelArgs = Errors.Redact.ModelArgs(parse.GetValue(s_modelArgs) ?? typedModelArgs ?? config.ModelArgs) ?? "";
        var genKwargs = parse.GetValue(s_genKwargs) ?? typedGenKwargs ?? "";
        JsonNode batch = parse.GetValue(s_batchSize) is { } b ? JsonValue.Create(b) : JsonValue.Create(config.BatchSize);
        var output = parse.GetValue(s_outputPath);
        var logSamples = parse.GetValue(s_logSamples) || parse.GetValue(s_predictOnly);
        var zone = TimeZone(parse);
        // __main__.py 715: datetime_str is taken before the evaluation starts.
        var dateId = TimeZoneInfo.ConvertTime(started, zone).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var hubArgs = output is null ? "" : $",output_path={output}";

        // vars(args) of lmms-eval's parser, in its add_argument order (__main__.py 148-446), after cli_evaluate_single's
        // updates (predict_only → log_samples; output_path appended to hf_hub_log_args).
        var cli = new JsonObject
        {
            ["config"] = "",
            ["model"] = model,
            ["tasks"] = typedTasks ?? string.Join(",", config.Tasks),
            ["model_args"] = modelArgs,
            ["launcher_args"] = null,
            ["num_fewshot"] = parse.GetValue(s_numFewshot),
            ["batch_size"] = batch.DeepClone(),
            ["max_batch_size"] = null,
            ["device"] = DeviceFlag(parse),
            ["output_path"] = output,
            ["limit"] = config.Limit,
            ["offset"] = 0,
            ["use_cache"] = null,
            ["cache_requests"] = null,
            ["check_integrity"] = false,
            ["write_out"] = false,
            ["log_samples"] = logSamples,
            ["wandb_log_samples"] = false,
            ["swanlab_log_samples"] = false,
            ["log_samples_suffix"] = parse.GetValue(s_logSamplesSuffix) ?? "model_outputs",
            ["system_instruction"] = null,
            ["apply_chat_template"] = false,
            ["fewshot_as_multiturn"] = false,
            ["show_config"] = false,
            ["include_path"] = RunSettingOptions.Given(parse, RunSettingTable.IncludePath),
            ["gen_kwargs"] = genKwargs,
            // As typed (either spelling), else argparse's default string (__main__.py parse_eval_args).
            ["reasoning_tags"] = parse.GetValue(s_reasoningTags) ?? RunSettingOptions.Given(parse, RunSettingTable.ReasoningTags) ?? """[["<think>", "</think>"], ["<analysis>", "</analysis>"]]""",
            ["verbosity"] = Verbosity(parse),
            ["wandb_args"] = "",
            ["swanlab_args"] = "",
            ["timezone"] = parse.GetValue(s_timezone) ?? "Asia/Singapore",
            ["hf_hub_log_args"] = hubArgs,
            ["predict_only"] = parse.GetValue(s_predictOnly),
            ["seed"] = new JsonArray([.. seeds.Select(x => (JsonNode?)(x is { } v ? JsonValue.Create(v) : null))]),
            ["trust_remote_code"] = false,
            ["process_with_media"] = false,
            ["agentic_trace_mode"] = "basic",
            ["force_simple"] = false,
            ["tui"] = false,
            ["repeats"] = 1,
            ["baseline"] = null,
            ["max_tokens"] = null,
            ["power_analysis"] = false,
            ["effect_size"] = 0.03,
            ["alpha"] = 0.05,
            ["power"] = 0.8,
            ["correlation"] = 0.5,
            ["std_a"] = null,
            ["std_b"] = null,
        };

        return new LmmsEvalInvocation(model, modelArgs, genKwargs, batch, DeviceFlag(parse), config.Limit, parse.GetValue(s_numFewshot), seeds, dateId, cli, startTime,
            logSamples, output is null ? "" : Path.GetFullPath(output), ToolInfo.GitBranch(root), $"lladav_eval.backends.{config.Model} (simple)");
    }

    private static string? DeviceFlag(ParseResult parse) => RunSettingOptions.Given(parse, RunSettingTable.Device);

    /// <summary>
    /// The LLaDA-V fork parses <c>--gen_kwargs</c> with <c>json.loads</c> and copies <c>gen_steps</c> to <c>steps</c>
    /// (docs/LLADAV-MODEL.md §7.1); upstream takes <c>k=v,...</c>. Both become our k=v list.
    /// </summary>
    internal static string GenKwargs(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('{'))
        {
            return text;
        }

        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(trimmed)?.AsObject() ?? throw new ConfigException("--gen_kwargs is an empty JSON value.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ConfigException($"--gen_kwargs {text}: not a JSON object ({e.Message}). Write it as '{{\"gen_length\": 2, ...}}' or k=v,k=v.", e);
        }

        var pairs = new List<string>();
        foreach (var (key, value) in obj)
        {
            var name = key == "gen_steps" ? "steps" : key;
            var rendered = value switch
            {
                null => throw new ConfigException($"--gen_kwargs {key}: null is not a value."),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
                _ => value.ToJsonString(),
            };
            pairs.Add($"{name}={rendered}");
        }

        if (obj.ContainsKey("gen_steps") && obj.ContainsKey("steps"))
        {
            throw new ConfigException("--gen_kwargs gives both gen_steps and steps; the fork copies gen_steps to steps, so give one.");
        }

        return string.Join(",", pairs);
    }

    /// <summary>
    /// With <c>--output_path</c>: lmms-eval's files beside our run folder, <c>&lt;path&gt;/&lt;model&gt;/&lt;date&gt;_results.json</c>
    /// and (with <c>--log_samples</c>) <c>&lt;date&gt;_samples_&lt;task&gt;.jsonl</c>, in lmms-eval's schema
    /// (<see cref="LmmsEvalFiles"/>), and submission files under <c>&lt;path&gt;/submissions/</c> (<c>generate_submission_file</c>).
    /// </summary>
    public static IEnumerable<string> WriteLayout(ParseResult parse, RunOutcome outcome, ImmutableArray<TaskNode> tree, LmmsEvalInvocation call)
    {
        if (parse.GetValue(s_outputPath) is not { } root)
        {
            yield break;
        }

        root = Path.GetFullPath(root);
        var end = System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;
        foreach (var file in LmmsEvalFiles.Write(outcome.Model, tree, outcome.Results, call, LmmsEvalFiles.ModelName(call.ModelArgs), end))
        {
            yield return file;
        }

        if (outcome.Results["lladav_eval"]?["submissions"] is JsonObject { Count: > 0 } submissions)
        {
            var dir = Path.Combine(root, "submissions");
            Directory.CreateDirectory(dir);
            foreach (var (_, s) in submissions)
            {
                var file = (string)s!["file"]!;
                File.Copy(Path.Combine(outcome.RunDirectory, file), Path.Combine(dir, file), overwrite: true);
                yield return Path.Combine(dir, file);
            }
        }
    }

    /// <summary>
    /// lmms-eval's files for a merged run (<c>launch</c>): the forwarded <c>run</c> flags decide, as they do for one
    /// process, whether and where they are written; the shards themselves write none.
    /// </summary>
    public static IEnumerable<string> WriteMergedLayout(IReadOnlyList<string> runTokens, RunOutcome merged, Tasks.TaskCatalog catalog, RunConfig config, DateTimeOffset started, double startTime)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parse = new RootCommand { RunCommand.Create() }.Parse(["run", .. runTokens]);
        if (parse.GetValue(s_outputPath) is null)
        {
            return [];
        }

        var call = Invocation(parse, config, started, startTime, Workspace.Root(RunSettingOptions.Given(parse, RunSettingTable.TasksDir)));
        return WriteLayout(parse, merged, TaskTree.Build(catalog, config.Tasks), call).ToList();
    }

    /// <summary>
    /// <c>GeneralConfigTracker._get_model_name</c>: the value after the first of peft=, delta=, pretrained=, model=,
    /// model_version=, model_name=, model_id=, path=, engine= found in the args string (a substring test, as upstream),
    /// up to the next comma; then <c>utils.sanitize_model_name</c>: the last two '/'-parts, runs of <c>"&lt;&gt;:/\|?*[]</c> → "__".
    /// </summary>
    internal static string SanitizedModelName(string modelArgs) => LmmsEvalFiles.SanitizeModelName(LmmsEvalFiles.ModelName(modelArgs));

    private static string? Either(string? ours, string? theirs, string ourFlag, string theirFlag) =>
        ours is not null && theirs is not null && ours != theirs
            ? throw new ConfigException($"{ourFlag} and {theirFlag} are the same setting; give one.")
            : theirs ?? ours;
}
