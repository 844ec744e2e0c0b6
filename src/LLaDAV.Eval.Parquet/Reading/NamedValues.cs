using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>Field names shared by every row or struct value of one schema group, so each value holds only an array.</summary>
internal sealed class FieldNames
{
    private readonly Dictionary<string, int> _index;

    public FieldNames(IReadOnlyList<string> names)
    {
        Names = [.. names];
        _index = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++)
        {
            _index.TryAdd(Names[i], i);
        }
    }

    public string[] Names { get; }

    public bool TryGetIndex(string name, out int index) => _index.TryGetValue(name, out index);
}

/// <summary>A row or a struct value: an immutable name → value map over a shared <see cref="FieldNames"/>.</summary>
internal sealed class NamedValues(FieldNames names, object?[] values) : IReadOnlyDictionary<string, object?>
{
    public int Count => values.Length;

    public IEnumerable<string> Keys => names.Names;

    public IEnumerable<object?> Values => values;

    public object? this[string key] => names.TryGetIndex(key, out var i) ? values[i] : throw new KeyNotFoundException($"no field '{key}'");

    public bool ContainsKey(string key) => names.TryGetIndex(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (names.TryGetIndex(key, out var i))
        {
            value = values[i];
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            yield return new KeyValuePair<string, object?>(names.Names[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
