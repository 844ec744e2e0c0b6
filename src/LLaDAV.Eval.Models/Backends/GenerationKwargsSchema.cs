using System.Collections;
using System.Globalization;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>A generation setting with a wrong type or out of range: one sentence naming key, value, where it came from and what is allowed.</summary>
public sealed class GenerationKwargsException(string message) : BackendSettingException(message);

/// <summary>
/// The type and range of every generation setting the backends read (issue 14 §2), checked before a run writes
/// anything, so a bad value is one error instead of a FormatException or an ArgumentOutOfRange deep in the sampler.
/// The keys are those <see cref="GenerationSettings.From"/> reads (docs/LLADAV-MODEL.md §7.1/§7.2, §8.2) plus lmms-eval's
/// common <c>generate_until</c> keys the task YAMLs carry (<c>do_sample</c>, <c>top_p</c>, <c>num_beams</c>, <c>until</c>;
/// lmms-eval models/simple/llava.py generate_until). Other keys stay unchecked and ignored, as
/// <c>generate_with_embeds(**kwargs)</c> ignores them.
/// </summary>
public static class GenerationKwargsSchema
{
    private sealed record Rule(string Allowed, Func<object, bool> Accepts);

    private static readonly Rule s_positiveInt = new("a whole number >= 1", v => AsLong(v) is >= 1 and <= int.MaxValue);
    private static readonly Rule s_nonNegative = new("a number >= 0", v => AsDouble(v) is { } d && d >= 0 && double.IsFinite(d));
    private static readonly Rule s_bool = new("true or false", v => v is bool || v is string s && bool.TryParse(s, out _));
    private static readonly Rule s_strings = new("a string or a list of strings", v => v is string || (v is IEnumerable e && e.Cast<object?>().All(x => x is string)));

    private static readonly IReadOnlyDictionary<string, Rule> s_rules = new Dictionary<string, Rule>(StringComparer.Ordinal)
    {
        ["gen_length"] = s_positiveInt,
        ["max_new_tokens"] = s_positiveInt,
        ["steps"] = s_positiveInt,
        ["gen_steps"] = s_positiveInt,
        ["block_length"] = s_positiveInt,
        ["refresh_interval"] = s_positiveInt,
        ["prefix_refresh_interval"] = s_positiveInt,
        ["num_beams"] = s_positiveInt,
        ["temperature"] = s_nonNegative,
        ["cfg_scale"] = s_nonNegative,
        ["cfg"] = s_nonNegative,
        ["top_p"] = new("a number in [0, 1]", v => AsDouble(v) is >= 0 and <= 1),
        ["threshold"] = new("a number in (0, 1] (Fast-dLLM's confidence threshold)", v => AsDouble(v) is > 0 and <= 1),
        ["factor"] = new("a number > 0 (Fast-dLLM's factor rule)", v => AsDouble(v) is { } d && d > 0 && double.IsFinite(d)),
        ["remasking"] = new("one of: low_confidence, random", v => v is "low_confidence" or "random"),
        ["cache"] = new("one of: none, prefix, dual", v => v is "none" or "prefix" or "dual"),
        ["think_mode"] = new("one of: think, no_think", v => v is "think" or "no_think"),
        ["use_fast_dllm"] = s_bool,
        ["do_sample"] = s_bool,
        ["stopping_criteria"] = s_strings,
        ["until"] = s_strings,
    };

    /// <summary>The checked keys and what each accepts, for messages and docs.</summary>
    public static IEnumerable<(string Key, string Allowed)> Rules => s_rules.Select(kv => (kv.Key, kv.Value.Allowed));

    /// <summary>
    /// Checks each known key's type and range and, for a diffusion model, LLaDA generate.py's shape asserts
    /// (gen_length a multiple of block_length, steps a multiple of the number of blocks). <paramref name="sourceOf"/>
    /// says where a key's value came from (--gen-kwargs or a task YAML file).
    /// </summary>
    public static void Validate(GenerationKwargs kwargs, bool diffusion, Func<string, string> sourceOf)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        ArgumentNullException.ThrowIfNull(sourceOf);
        foreach (var (key, value) in kwargs.Values)
        {
            if (s_rules.TryGetValue(key, out var rule) && !rule.Accepts(value))
            {
                throw new GenerationKwargsException($"generation setting {key}={Show(value)} ({sourceOf(key)}) is invalid: {key} must be {rule.Allowed}.");
            }
        }

        if (!diffusion)
        {
            return;
        }

        // The same resolution GenerationSettings.From applies, then DiffusionOptions.Validate's rules, with names.
        var genKey = kwargs.TryGet("gen_length", out _) ? "gen_length" : kwargs.TryGet("max_new_tokens", out _) ? "max_new_tokens" : null;
        var genLength = genKey is null ? 2 : AsLong(kwargs.Values[genKey])!.Value;
        var blockKey = kwargs.TryGet("block_length", out _) ? "block_length" : null;
        var block = blockKey is null ? genLength : AsLong(kwargs.Values[blockKey])!.Value;
        if (genLength % block != 0)
        {
            throw new GenerationKwargsException(
                $"generation settings {genKey ?? "gen_length"}={genLength} and block_length={block} ({sourceOf(blockKey ?? genKey ?? "gen_length")}) are invalid: gen_length must be a multiple of block_length (LLaDA generate.py asserts it).");
        }

        var stepsKey = kwargs.TryGet("steps", out _) ? "steps" : kwargs.TryGet("gen_steps", out _) ? "gen_steps" : null;
        var steps = stepsKey is null ? genLength : AsLong(kwargs.Values[stepsKey])!.Value;
        var blocks = genLength / block;
        if (steps % blocks != 0)
        {
            throw new GenerationKwargsException(
                $"generation setting {stepsKey ?? "steps"}={steps} ({sourceOf(stepsKey ?? genKey ?? "gen_length")}) is invalid: steps must be a multiple of the number of blocks gen_length/block_length = {blocks} (LLaDA generate.py asserts it).");
        }

        var cfg = kwargs.TryGet("cfg_scale", out var c) ? AsDouble(c) ?? 0 : 0;
        var cache = kwargs.GetString("cache") ?? (kwargs.TryGet("use_fast_dllm", out var f) && f is true ? "prefix" : "none");
        if (cfg > 0 && cache != "none")
        {
            throw new GenerationKwargsException($"generation settings cfg_scale={Show(c)} and cache={cache} ({sourceOf("cfg_scale")}) cannot be combined: Fast-dLLM's caches have no classifier-free-guidance path. Use cache=none or cfg_scale=0.");
        }
    }

    private static long? AsLong(object v) => v switch
    {
        long l => l,
        int i => i,
        double d when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 1e15 => (long)d,
        _ => null,
    };

    private static double? AsDouble(object v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        _ => null,
    };

    private static string Show(object? v) => v switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => v.ToString() ?? "",
    };
}
