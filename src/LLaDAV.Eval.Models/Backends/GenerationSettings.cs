using System.Collections;
using System.Globalization;
using LLaDAV.Eval.Models.Sampling;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// A request's generation kwargs, read the way the LLaDA-V lmms-eval fork reads them (§7.1/§7.2, §8.2) plus the
/// Fast-dLLM keys of this project. Unknown keys are ignored, as <c>generate_with_embeds(**kwargs)</c> ignores them.
/// </summary>
public sealed record GenerationSettings(
    int GenLength,
    int Steps,
    int BlockLength,
    double Temperature,
    double CfgScale,
    Remasking Remasking,
    string? ThinkMode,
    IReadOnlyList<string> StoppingCriteria,
    CacheMode Cache,
    int? RefreshInterval,
    double? Threshold,
    double? Factor)
{
    /// <summary>
    /// LLaDA-V: gen_length ← <c>gen_length</c> | 2 (the fork's evaluator default, docs/LLADAV-MODEL.md §7.1; its
    /// <c>generate_with_embeds</c> silently ignores <c>max_new_tokens</c>, §6.2, so a task YAML's max_new_tokens does
    /// not lengthen the answer); LLaMA3-V: <c>max_new_tokens</c> | 1024 (lmms-eval's llava_onevision, §9); block_length ← <c>block_length</c> |
    /// gen_length (one block, §7.2); steps ← <c>steps</c> | <c>gen_steps</c> | gen_length. <c>cfg</c> is NOT
    /// cfg_scale (§6.2). <c>think_mode</c> defaults to <c>no_think</c> for LLaDA-V and nothing for LLaMA3-V (§9).
    /// Cache: <c>cache</c> none|prefix|dual; <c>refresh_interval</c> (alias <c>prefix_refresh_interval</c>, which with
    /// <c>use_fast_dllm</c> also implies the prefix cache, §7.2); <c>threshold</c> τ rule, <c>factor</c> factor rule.
    /// </summary>
    public static GenerationSettings From(GenerationKwargs kwargs, LlavaFamily family)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        GenerationKwargsSchema.Validate(kwargs, family == LlavaFamily.LladaV, _ => "generation kwargs");
        var defaultLength = family == LlavaFamily.LladaV ? 2 : 1024;
        var genLength = family == LlavaFamily.LladaV
            ? Int(kwargs, "gen_length") ?? defaultLength
            : Int(kwargs, "gen_length") ?? Int(kwargs, "max_new_tokens") ?? defaultLength;
        var steps = Int(kwargs, "steps") ?? Int(kwargs, "gen_steps") ?? genLength;
        var block = Int(kwargs, "block_length") ?? genLength;
        var remasking = (kwargs.GetString("remasking") ?? "low_confidence") switch
        {
            "low_confidence" => Remasking.LowConfidence,
            "random" => Remasking.Random,
            var other => throw new ArgumentException($"remasking '{other}' is not one of low_confidence, random."),
        };
        var refresh = Int(kwargs, "refresh_interval") ?? Int(kwargs, "prefix_refresh_interval");
        var cacheText = kwargs.GetString("cache") ?? (kwargs.GetBool("use_fast_dllm", false) ? "prefix" : "none");
        var cache = cacheText switch
        {
            "none" => CacheMode.None,
            "prefix" => CacheMode.Prefix,
            "dual" => CacheMode.Dual,
            _ => throw new ArgumentException($"cache '{cacheText}' is not one of none, prefix, dual."),
        };
        return new GenerationSettings(
            genLength,
            steps,
            block,
            kwargs.GetDouble("temperature", 0),
            kwargs.GetDouble("cfg_scale", 0),
            remasking,
            kwargs.GetString("think_mode") ?? (family == LlavaFamily.LladaV ? "no_think" : null),
            Strings(kwargs, "stopping_criteria"),
            cache,
            refresh,
            kwargs.TryGet("threshold", out _) ? kwargs.GetDouble("threshold", 0) : null,
            kwargs.TryGet("factor", out _) ? kwargs.GetDouble("factor", 0) : null);
    }

    private static int? Int(GenerationKwargs kwargs, string key) =>
        kwargs.TryGet(key, out var v) && v is not null ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : null;

    private static string[] Strings(GenerationKwargs kwargs, string key)
    {
        if (!kwargs.TryGet(key, out var v) || v is null)
        {
            return [];
        }

        return v switch
        {
            string s => [s],
            IEnumerable e => [.. e.Cast<object>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? string.Empty)],
            _ => [Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty],
        };
    }
}
