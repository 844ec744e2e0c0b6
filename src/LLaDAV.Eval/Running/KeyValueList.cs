using System.Collections.Immutable;
using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>
/// <c>k=v,k=v</c> lists (<c>--model-args</c>, <c>--gen-kwargs</c>, <c>--tag</c>). A comma inside [...] or quotes
/// does not split, so <c>until=["\n\n","Q:"]</c> stays one value (lmms-eval's "smart comma split").
/// </summary>
public static class KeyValueList
{
    public static ImmutableSortedDictionary<string, string> Parse(string? text, string flag)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return result.ToImmutable();
        }

        foreach (var part in SplitTopLevel(text))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigException($"{flag} entry '{part}' is not key=value. Write it as {flag} key=value,key2=value2.");
            }

            result[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return result.ToImmutable();
    }

    /// <summary>A value as YAML would type it: bool, integer, float, a JSON list of strings, or text.</summary>
    public static object Typed(string value)
    {
        if (value is "true" or "True")
        {
            return true;
        }

        if (value is "false" or "False")
        {
            return false;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        if (value.StartsWith('[') && value.EndsWith(']'))
        {
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<List<string>>(value) ?? [];
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new ConfigException($"List value {value} is not a JSON list of strings: {e.Message}", e);
            }
        }

        return value;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        char? quote = null;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == q)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                if (i > start)
                {
                    yield return text[start..i];
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
