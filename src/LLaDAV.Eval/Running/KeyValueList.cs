using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Running;

/// <summary>
/// <c>k=v,k=v</c> lists of the run's flags (<c>--model-args</c>, <c>--gen-kwargs</c>, <c>--tag</c>), parsed by the one
/// parser (<see cref="KeyValueText"/>, lmms-eval's <c>simple_parse_args_string</c>) with errors as usage errors naming the flag.
/// </summary>
public static class KeyValueList
{
    public static ImmutableSortedDictionary<string, string> Parse(string? text, string flag) =>
        KeyValueText.Split(text, part => new ConfigException($"{flag} entry '{part}' is not key=value. Write it as {flag} key=value,key2=value2."));

    /// <summary>A value as <see cref="KeyValueText.Typed"/> types it; a malformed list is a usage error.</summary>
    public static object Typed(string value)
    {
        try
        {
            return KeyValueText.Typed(value);
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message, e);
        }
    }
}
