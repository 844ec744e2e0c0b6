using System.Globalization;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Builtins;

/// <summary>
/// lmms-eval's generic filters (<c>lmms_eval/filters/*</c>, docs/LMMS-EVAL.md §1.1), applied to one response.
/// </summary>
internal static class BuiltinFilters
{
    public static void Register(HookRegistry hooks)
    {
        // take_first: one response per request for generate_until, so the response itself.
        hooks.AddFilter("take_first", (r, _, _) => r);
        hooks.AddFilter("lowercase", (r, _, _) => r.ToLowerInvariant());
        hooks.AddFilter("uppercase", (r, _, _) => r.ToUpperInvariant());

        // filters/transformation.py WhitespaceFilter: drops one leading space.
        hooks.AddFilter("remove_whitespace", (r, _, _) => r.StartsWith(' ') ? r[1..] : r);
        hooks.AddFilter("regex", Regex);
    }

    /// <summary>
    /// filters/extraction.py RegexFilter: <c>re.findall(pattern, resp)</c>; take match <c>group_select</c> (negative
    /// counts from the end); a tuple match takes its first non-empty group; no match → <c>fallback</c> ("[invalid]").
    /// </summary>
    private static string Regex(string response, Data.Doc doc, IReadOnlyDictionary<string, object?> args)
    {
        var pattern = args.TryGetValue("regex_pattern", out var p) && p is string s ? s : @"#### (\-?[0-9\.\,]+)";
        var groupSelect = args.TryGetValue("group_select", out var g) && g is not null ? Convert.ToInt32(g, CultureInfo.InvariantCulture) : 0;
        var fallback = args.TryGetValue("fallback", out var f) && f is string fs ? fs : "[invalid]";
        var matches = System.Text.RegularExpressions.Regex.Matches(response, pattern, RegexOptions.None, TimeSpan.FromSeconds(2));
        if (matches.Count == 0)
        {
            return fallback;
        }

        var index = groupSelect < 0 ? matches.Count + groupSelect : groupSelect;
        if (index < 0 || index >= matches.Count)
        {
            return fallback;
        }

        var m = matches[index];
        if (m.Groups.Count <= 1)
        {
            return m.Value;
        }

        // re.findall returns the group text (one group) or a tuple (several); lm-eval then takes the first non-empty.
        for (var i = 1; i < m.Groups.Count; i++)
        {
            if (m.Groups[i].Value.Length > 0)
            {
                return m.Groups[i].Value;
            }
        }

        return m.Groups[1].Value;
    }
}
