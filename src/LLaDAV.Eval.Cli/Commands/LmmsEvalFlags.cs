using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

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
    private static readonly Option<string?> s_includePath = new("--include_path") { Description = "lmms-eval: extra task YAML folder; refused (use --tasks-dir)." };
    private static readonly Option<int?> s_numFewshot = new("--num_fewshot") { Description = "lmms-eval: only 0 (every ported task is zero-shot)." };
    private static readonly Option<bool> s_predictOnly = new("--predict_only") { Description = "lmms-eval: accepted; responses are written and also scored." };
    private static readonly Option<string?> s_verbosity = new("--verbosity") { Description = "lmms-eval: log level; DEBUG = --verbose, others accepted." };
    private static readonly Option<int?> s_offset = new("--offset") { Description = "lmms-eval: only 0 (use --shard K/N to split a task)." };

    /// <summary>lmms-eval <c>--model</c> names of our backends (LMMS-EVAL.md §3.4, LLADAV-MODEL.md §7.1, §9).</summary>
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
        foreach (var o in new Option[] { s_modelArgs, s_genKwargs, s_batchSize, s_outputPath, s_logSamples, s_logSamplesSuffix, s_includePath, s_numFewshot, s_predictOnly, s_verbosity, s_offset })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Our flags with lmms-eval's folded in; an lmms-eval flag given beside ours for the same setting is refused.</summary>
    public static RunSettings Apply(ParseResult parse, RunSettings ours)
    {
        if (parse.GetValue(s_includePath) is { } include)
        {
            throw new ConfigException($"--include_path {include}: lladav-eval reads one tasks folder (C# hooks, not Python utils); put the YAMLs under tasks/ or pass --tasks-dir.");
        }

        if (parse.GetValue(s_numFewshot) is { } shots and not 0)
        {
            throw new ConfigException($"--num_fewshot {shots}: every ported task is zero-shot (lmms-eval's multimodal tasks have no fewshot split); pass 0 or leave it out.");
        }

        if (parse.GetValue(s_offset) is { } offset and not 0)
        {
            throw new ConfigException($"--offset {offset}: not supported; use --limit N or --shard K/N.");
        }

        var modelArgs = Either(ours.ModelArgs, parse.GetValue(s_modelArgs), "--model-args", "--model_args");
        var genKwargs = Either(ours.GenKwargs, parse.GetValue(s_genKwargs) is { } g ? GenKwargs(g) : null, "--gen-kwargs", "--gen_kwargs");
        var batch = parse.GetValue(s_batchSize) is { } b
            ? int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ConfigException($"--batch_size {b}: a positive whole number ('auto' is not supported).")
            : (int?)null;
        if (batch is not null && ours.BatchSize is not null && batch != ours.BatchSize)
        {
            throw new ConfigException("--batch-size and --batch_size disagree; give one.");
        }

        var output = parse.GetValue(s_outputPath) is { } p ? Path.GetFullPath(p) : null;
        if (output is not null && ours.Output is not null && output != ours.Output)
        {
            throw new ConfigException("--output and --output_path disagree; give one.");
        }

        return ours with
        {
            Model = Backend(ours.Model, modelArgs),
            ModelArgs = modelArgs,
            GenKwargs = genKwargs,
            BatchSize = batch ?? ours.BatchSize,
            Output = output ?? ours.Output,
        };
    }

    public static bool DebugVerbosity(ParseResult parse) => string.Equals(parse.GetValue(s_verbosity), "DEBUG", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The LLaDA-V fork parses <c>--gen_kwargs</c> with <c>json.loads</c> and copies <c>gen_steps</c> to <c>steps</c>
    /// (LLADAV-MODEL.md §7.1); upstream takes <c>k=v,...</c>. Both become our k=v list.
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
    /// With <c>--output_path</c>: lmms-eval's names beside our run folder, <c>&lt;path&gt;/&lt;model&gt;/&lt;date&gt;_results.json</c>
    /// and (with <c>--log_samples</c>) <c>&lt;date&gt;_samples_&lt;task&gt;.jsonl</c>, and submission files under
    /// <c>&lt;path&gt;/submissions/</c> (<c>generate_submission_file</c>).
    /// </summary>
    public static IEnumerable<string> WriteLayout(ParseResult parse, RunOutcome outcome)
    {
        if (parse.GetValue(s_outputPath) is not { } root)
        {
            yield break;
        }

        root = Path.GetFullPath(root);
        var modelArgs = (string?)outcome.Results["config"]?["model_args"] ?? "";
        var folder = Path.Combine(root, SanitizedModelName(modelArgs));
        Directory.CreateDirectory(folder);
        var dateId = DateId(ToolInfo.Now());
        var results = Path.Combine(folder, $"{dateId}_results.json");
        File.Copy(Path.Combine(outcome.RunDirectory, "results.json"), results, overwrite: true);
        yield return results;
        if (parse.GetValue(s_logSamples) || parse.GetValue(s_predictOnly))
        {
            foreach (var task in outcome.Results["results"]!.AsObject().Select(kv => kv.Key))
            {
                var samples = Path.Combine(folder, $"{dateId}_samples_{task}.jsonl");
                File.Copy(Path.Combine(outcome.RunDirectory, $"samples_{task}.jsonl"), samples, overwrite: true);
                yield return samples;
            }
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
    /// <c>GeneralConfigTracker._get_model_name</c>: the value after the first of peft=, delta=, pretrained=, model=,
    /// model_version=, model_name=, model_id=, path=, engine= found in the args string (a substring test, as upstream),
    /// up to the next comma; then <c>utils.sanitize_model_name</c>: the last two '/'-parts, runs of <c>"&lt;&gt;:/\|?*[]</c> → "__".
    /// </summary>
    internal static string SanitizedModelName(string modelArgs)
    {
        var name = "";
        foreach (var prefix in new[] { "peft=", "delta=", "pretrained=", "model=", "model_version=", "model_name=", "model_id=", "path=", "engine=" })
        {
            var at = modelArgs.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                name = modelArgs[(at + prefix.Length)..].Split(',')[0];
                break;
            }
        }

        var parts = name.Split('/');
        var lastTwo = parts.Length > 1 ? string.Join("/", parts[^2..]) : parts[^1];
        return Unsafe().Replace(lastTwo, "__");
    }

    /// <summary><c>get_datetime_str(timezone="Asia/Singapore")</c> (UTC+8, no DST) with ':' → '-': <c>%Y%m%d_%H%M%S</c>.</summary>
    internal static string DateId(DateTimeOffset now) => now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);

    private static string? Either(string? ours, string? theirs, string ourFlag, string theirFlag) =>
        ours is not null && theirs is not null && ours != theirs
            ? throw new ConfigException($"{ourFlag} and {theirFlag} are the same setting; give one.")
            : theirs ?? ours;

    [GeneratedRegex(@"[""<>:/\|\\?\*\[\]]+")]
    private static partial Regex Unsafe();
}
