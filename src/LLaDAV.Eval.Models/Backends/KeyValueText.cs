using System.Collections.Immutable;
using System.Globalization;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// The one parser of <c>k=v,k=v</c> text (<c>--model-args</c>, <c>--gen-kwargs</c>, <c>--tag</c>), as lmms-eval's
/// <c>utils.simple_parse_args_string</c> (75571cf): a comma inside [...], {...} or quotes does not split (its
/// <c>_smart_comma_split</c>), the value is everything after the first '='. Values are typed as its
/// <c>handle_arg_string</c> types them (true/false in any case → bool, numbers → long or double, else the text), plus a
/// JSON list of strings (<c>until=["\n\n","Q:"]</c>), which upstream leaves a string for the YAML to carry instead.
/// </summary>
public static class KeyValueText
{
    /// <summary>The pairs in order of the text (a later key wins); <paramref name="badEntry"/> makes the error of an entry without '='.</summary>
    public static ImmutableSortedDictionary<string, string> Split(string? text, Func<string, Exception> badEntry)
    {
        ArgumentNullException.ThrowIfNull(badEntry);
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
                throw badEntry(part);
            }

            result[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return result.ToImmutable();
    }

    /// <summary>A value typed as lmms-eval's <c>handle_arg_string</c> does; a JSON list of strings becomes a list (FormatException when it is not one).</summary>
    public static object Typed(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
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
                throw new FormatException($"List value {value} is not a JSON list of strings: {e.Message}", e);
            }
        }

        return value;
    }

    /// <summary><c>--gen-kwargs</c> text of the diagnostic verbs, typed.</summary>
    public static GenerationKwargs ParseGenerationKwargs(string? text)
    {
        var kwargs = GenerationKwargs.Empty;
        foreach (var (key, value) in Split(text, part => new ArgumentException($"Generation kwarg '{part}' is not key=value.", nameof(text))))
        {
            kwargs = kwargs.With(key, Typed(value));
        }

        return kwargs;
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
