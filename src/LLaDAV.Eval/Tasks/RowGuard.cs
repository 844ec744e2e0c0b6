using System.Globalization;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// Wraps a task's hooks so that a row they cannot use is a data error naming the file and the column (issue 23 §6):
/// a Parquet that parses but holds another schema than the task's dataset (another dataset, another revision, a
/// hand-made export) used to end in an internal error (exit 70), or, for hooks that throw
/// <see cref="InvalidDataException"/> (an <see cref="IOException"/>), in "cannot read or write a file". lmms-eval
/// raises the hook's Python exception with a traceback; we say which row and column, and how to check the data.
/// </summary>
internal static class RowGuard
{
    public static DocToTextHook Wrap(DocToTextHook hook, TaskSpec spec, string key) =>
        (doc, kwargs) => Run(() => hook(doc, kwargs), doc, spec, key);

    public static DocToVisualHook Wrap(DocToVisualHook hook, TaskSpec spec, string key) =>
        (doc, kwargs) => Run(() => hook(doc, kwargs), doc, spec, key);

    public static DocToTargetHook Wrap(DocToTargetHook hook, TaskSpec spec, string key) =>
        doc => Run(() => hook(doc), doc, spec, key);

    public static ProcessResultsHook Wrap(ProcessResultsHook hook, TaskSpec spec, string key) =>
        (doc, response, context) => Run(() => hook(doc, response, context), doc, spec, key);

    public static FilterHook Wrap(FilterHook hook, TaskSpec spec, string key) =>
        (response, doc, args) => Run(() => hook(response, doc, args), doc, spec, key);

    private static T Run<T>(Func<T> hook, Doc doc, TaskSpec spec, string key)
    {
        var outer = Doc.ReadLog;
        var log = new List<string>();
        Doc.ReadLog = log;
        try
        {
            return hook();
        }
        catch (Exception e) when (IsRowShape(e))
        {
            var read = Likeliest(log, doc, e.Message);
            throw new DataRowException(doc.SourceFile, read, Describe(e, doc, spec, key, read), e);
        }
        finally
        {
            Doc.ReadLog = outer;
        }
    }

    /// <summary>The columns read, the first whose value the error message quotes moved to the front.</summary>
    private static List<string> Likeliest(List<string> read, Doc doc, string message)
    {
        // Quoted by value ("answer '42' is not yes/no"), or by .NET type for a list/struct/bytes value that a hook
        // tried to convert ("Unable to cast object of type 'List`1'...").
        var quoted = read.FirstOrDefault(c => doc.TryGetValue(c, out var v) && v is not null
            && ((Text(v) is { Length: > 0 } t && message.Contains(t, StringComparison.Ordinal))
                || (Text(v) is null && message.Contains(v.GetType().Name, StringComparison.Ordinal))));
        return quoted is null ? read : [quoted, .. read.Where(c => c != quoted)];
    }

    private static string? Text(object? value) => value switch
    {
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        _ => null,
    };

    /// <summary>
    /// What a hook throws when a value has an unexpected type or form. Not our own errors (they already name what is
    /// wrong), not cancellation, not real I/O failures (an <see cref="IOException"/> other than
    /// <see cref="InvalidDataException"/>), not a disposed object.
    /// </summary>
    private static bool IsRowShape(Exception e) => e switch
    {
        EvalException or OperationCanceledException or ObjectDisposedException => false,
        InvalidDataException or FormatException or InvalidCastException or OverflowException => true,
        KeyNotFoundException or IndexOutOfRangeException or ArgumentException or NullReferenceException => true,
        InvalidOperationException or System.Text.Json.JsonException => true,
        _ => false,
    };

    private static string Describe(Exception e, Doc doc, TaskSpec spec, string key, List<string> read)
    {
        string Column(string c) => $"'{c}' ({Kind(doc.TryGetValue(c, out var v) ? v : null)})";
        var where = read.Count switch
        {
            0 => "a row of this file",
            1 => $"column {Column(read[0])} of a row",
            _ => $"a row; it read column {Column(read[0])}, then {string.Join(", ", read.Skip(1).Select(Column))}",
        };
        return $"{doc.SourceFile}: task '{spec.Name}' ({key}) cannot use {where}: {e.Message.TrimEnd('.')}. " +
            $"The row's columns: {string.Join(", ", doc.Select(kv => $"{kv.Key} ({Kind(kv.Value)})"))}. " +
            $"The task reads the dataset {spec.DatasetPath} (split '{spec.Split}'): is the file from another dataset or revision? " +
            "Check --data-dir or the revision. If the row is as the dataset publishes it, this is a bug in lladav-eval: rerun with --debug and report the trace.";
    }

    private static string Kind(object? value) => value switch
    {
        null => "null",
        string { Length: 0 } => "empty text",
        string => "text",
        bool => "a boolean",
        long or int => "an integer",
        double or float => "a number",
        byte[] b => string.Create(CultureInfo.InvariantCulture, $"{b.Length} bytes"),
        IReadOnlyDictionary<string, object?> map => $"a struct {{{string.Join(", ", map.Keys)}}}",
        IReadOnlyList<object?> list => string.Create(CultureInfo.InvariantCulture, $"a list of {list.Count}"),
        _ => value.GetType().Name,
    };
}
