using System.Collections.Immutable;
using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>lmms-eval's <c>--seed</c> (lmms-eval 75571cf <c>__main__.py</c>): one integer, or four (random, numpy, torch, fewshot).</summary>
public static class LmmsEvalSeed
{
    /// <summary>lmms-eval's default <c>--seed</c>: random, numpy, torch, fewshot.</summary>
    public const string Default = "0,1234,1234,1234";

    /// <summary>
    /// <c>_int_or_none_list_arg_type(3, 4, "0,1234,1234,1234", value)</c> (__main__.py 46-69): items split on ',',
    /// <c>strip().lower()</c>, "none" or an int; one item is used four times; 3 items get the default 4th; other
    /// counts are an error.
    /// </summary>
    public static ImmutableArray<long?> List(string text)
    {
        long? Item(string raw)
        {
            var item = raw.Trim().ToLowerInvariant();
            if (item == "none")
            {
                return null;
            }

            return long.TryParse(item.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && !item.StartsWith('_') && !item.EndsWith('_')
                ? v
                : throw new ConfigException($"--seed {text}: {item} is not an integer or None.");
        }

        var items = text.Split(',').Select(Item).ToList();
        if (items.Count == 1)
        {
            return [items[0], items[0], items[0], items[0]];
        }

        if (items.Count is < 3 or > 4)
        {
            throw new ConfigException($"--seed {text}: Argument requires 4 integers or None, separated by ','. E.g. --seed 0,1234,1234,1234 (random, numpy, torch, fewshot) or one integer for all four.");
        }

        if (items.Count == 3)
        {
            items.Add(1234);
        }

        return [.. items];
    }

    /// <summary>
    /// Our run seed from <c>--seed</c>: one integer as given; lmms-eval's list form gives its torch seed (the one
    /// model sampling draws from), else the random seed; all None leaves eval.yaml's.
    /// </summary>
    public static long? RunSeed(string? text) => text is null ? null : List(text) is var l ? l[2] ?? l[0] : null;
}
