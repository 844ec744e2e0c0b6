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

    public object? this[string key]
    {
        get
        {
            Note(key);
            return _fields.TryGetValue(key, out var v)
                ? v
                : throw new Errors.MissingColumnException(SourceFile, key, [.. _fields.Keys]);
        }
    }

    /// <summary>
    /// The columns this thread's current task hook has read, in order, when <see cref="Tasks.RowGuard"/> watches it:
    /// a hook that fails on a row is reported with the columns it was reading (hooks run synchronously on the
    /// caller's thread). Null when no hook is watched.
    /// </summary>
    internal static List<string>? ReadLog
    {
        get => t_readLog;
        set => t_readLog = value;
    }

    [ThreadStatic]
    private static List<string>? t_readLog;

    private static void Note(string key)
    {
        if (t_readLog is { } log && !log.Contains(key) && log.Count < 64)
        {
            log.Add(key);
        }
    }

    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    public bool TryGetValue(string key, out object? value)
    {
        Note(key);
        return _fields.TryGetValue(key, out value);
    }

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
