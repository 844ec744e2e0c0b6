using System.Collections;

namespace LLaDAV.Eval.Data;

/// <summary>
/// One dataset row. Values are the reader's natural types: null, bool, long, double, string, byte[],
/// <see cref="IReadOnlyList{T}"/> of values (lists), <see cref="IReadOnlyDictionary{TKey,TValue}"/> (structs, e.g. an
/// HF <c>Image</c> feature {bytes, path}). <see cref="SourceDirectory"/> resolves relative media paths.
/// </summary>
public sealed class Doc : IReadOnlyDictionary<string, object?>
{
    private readonly IReadOnlyDictionary<string, object?> _fields;

    public Doc(IReadOnlyDictionary<string, object?> fields, string sourceDirectory, string sourceFile, string? datasetRoot = null)
    {
        _fields = fields;
        SourceDirectory = sourceDirectory;
        SourceFile = sourceFile;
        DatasetRoot = datasetRoot ?? sourceDirectory;
    }

    /// <summary>The dataset's root folder (snapshot, --data-dir dataset folder or embedded sample): media paths stay inside it.</summary>
    public string DatasetRoot { get; }

    /// <summary>The folder of the file this row came from: where relative image/video paths start.</summary>
    public string SourceDirectory { get; }

    public string SourceFile { get; }

    public int Count => _fields.Count;

    public IEnumerable<string> Keys => _fields.Keys;

    public IEnumerable<object?> Values => _fields.Values;

    public object? this[string key] => _fields.TryGetValue(key, out var v)
        ? v
        : throw new Errors.MissingColumnException(SourceFile, key, [.. _fields.Keys]);

    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    public bool TryGetValue(string key, out object? value) => _fields.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The column as text (numbers in invariant culture); null stays null.</summary>
    public string? GetString(string key) => this[key] switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>The column as text; a missing or null column is an error naming the column.</summary>
    public string RequireString(string key) =>
        GetString(key) ?? throw new Errors.DataException($"Column '{key}' is null in a row of {SourceFile}; the task needs a value there.");

    public Doc With(string key, object? value)
    {
        var copy = new Dictionary<string, object?>(_fields, StringComparer.Ordinal) { [key] = value };
        return new Doc(copy, SourceDirectory, SourceFile, DatasetRoot);
    }
}
