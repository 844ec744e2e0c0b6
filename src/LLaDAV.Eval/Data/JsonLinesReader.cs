using System.Text.Json;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data;

/// <summary>
/// JSON Lines split files (<c>*.jsonl</c>): one object per line. Values map to the row types of <see cref="Doc"/>;
/// a binary HF <c>Image</c> is written as <c>{"bytes": {"base64": "..."}}</c> or as <c>{"path": "..."}</c>.
/// <c>*.json</c> files are read as HF's json builder reads them: a top-level array of row objects (MVBench's
/// <c>json/&lt;config&gt;.json</c>), streamed element by element, else JSON Lines.
/// </summary>
public sealed class JsonLinesReader : IDatasetFileReader
{
    public bool CanRead(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<IReadOnlyDictionary<string, object?>> Read(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken) =>
        IsJsonArray(path) ? ReadArray(path, columns, cancellationToken) : ReadLines(path, columns, cancellationToken);

    private static IEnumerable<IReadOnlyDictionary<string, object?>> ReadLines(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        foreach (var line in Lines(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Dictionary<string, object?> row;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new DataException($"{path}:{lineNumber}: each line must be a JSON object (one row).");
                }

                row = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (columns is null || columns.Contains(p.Name))
                    {
                        row[p.Name] = Convert(p.Value);
                    }
                }
            }
            catch (JsonException e)
            {
                throw new DataException($"{path}:{lineNumber}: malformed JSON ({e.Message}). Each line must be one JSON object.", e);
            }

            yield return row;
        }
    }

    public long CountRows(string path) => IsJsonArray(path)
        ? ReadArray(path, [], CancellationToken.None).LongCount()
        : Lines(path).LongCount(l => !string.IsNullOrWhiteSpace(l));

    /// <summary>Lines of a regular file, each capped (issue 23 §3): a FIFO, a device or an endless line is a data error.</summary>
    private static IEnumerable<string> Lines(string path)
    {
        using var lines = Media.BoundedFile.ReadLines(path, "data file").GetEnumerator();
        while (true)
        {
            try
            {
                if (!lines.MoveNext())
                {
                    yield break;
                }
            }
            catch (Media.InputLimitException e)
            {
                throw new DataException(e.Message, e);
            }

            yield return lines.Current;
        }
    }

    /// <summary>A <c>.json</c> file whose first non-blank character is '[': one array of rows.</summary>
    private static bool IsJsonArray(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        using var reader = new StreamReader(OpenRegular(path));
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c == '[';
    }

    private static IEnumerable<IReadOnlyDictionary<string, object?>> ReadArray(string path, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken)
    {
        using var stream = OpenRegular(path);
        using var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken)
            .ToBlockingEnumerable(cancellationToken).GetEnumerator();
        for (var index = 0; ; index++)
        {
            JsonElement item;
            try
            {
                if (!items.MoveNext())
                {
                    yield break;
                }

                item = items.Current;
            }
            catch (JsonException e)
            {
                throw new DataException($"{path}: malformed JSON near row {index} ({e.Message}). A .json split file must hold one array of row objects.", e);
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new DataException($"{path}: row {index} of the JSON array is a {item.ValueKind}, not an object.");
            }

            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in item.EnumerateObject())
            {
                if (columns is null || columns.Contains(p.Name))
                {
                    try
                    {
                        row[p.Name] = Convert(p.Value);
                    }
                    catch (JsonException e)
                    {
                        throw new DataException($"{path}: row {index}, column '{p.Name}': {e.Message}.", e);
                    }
                }
            }

            yield return row;
        }
    }

    private static FileStream OpenRegular(string path)
    {
        try
        {
            return Media.BoundedFile.OpenRead(path, "data file");
        }
        catch (Media.InputLimitException e)
        {
            throw new DataException(e.Message, e);
        }
    }

    /// <summary>Bad base64 is reported as malformed JSON, so the caller names the file and line.</summary>
    private static byte[] FromBase64(string text)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return System.Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : throw new JsonException("a {\"base64\": ...} value is not valid base64");
    }

    internal static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.Object when e.TryGetProperty("base64", out var b64) && e.EnumerateObject().Count() == 1 => FromBase64(b64.GetString() ?? ""),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value), StringComparer.Ordinal),
        _ => throw new InvalidDataException($"Unsupported JSON value kind {e.ValueKind}."),
    };
}
