using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>
/// A task's append-only journal (<c>journal/&lt;task&gt;.jsonl</c>, docs/ARCHITECTURE.md §5): one line per finished sample,
/// written and flushed to disk as it finishes, so a killed run loses nothing it finished. On open, a torn last
/// line (the process died mid-write) is cut off and blank lines are skipped. Each record is ONE <c>write(2)</c> on an
/// <c>O_APPEND</c> descriptor (issue 14 §1), so even two writers without the run-directory lock cannot glue records
/// together on one line.
/// </summary>
public sealed class SampleJournal : IDisposable
{
    private readonly int _fd;
    private readonly FileStream? _stream;

    private SampleJournal(string path, int fd, FileStream? stream, Dictionary<int, JsonObject> entries)
    {
        Path = path;
        _fd = fd;
        _stream = stream;
        Entries = entries;
    }

    public string Path { get; }

    /// <summary>Finished samples by doc id (the last line wins if a doc appears twice).</summary>
    public Dictionary<int, JsonObject> Entries { get; }

    public static SampleJournal Open(string path)
    {
        var entries = Read(path, out var validLength);
        if (!Io.PosixFile.Supported)
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            stream.SetLength(validLength);
            stream.Seek(validLength, SeekOrigin.Begin);
            return new SampleJournal(path, -1, stream, entries);
        }

        var fd = Io.PosixFile.OpenAppend(path);
        try
        {
            // Cut the torn tail (if any) before the first append; O_APPEND then always writes at the new end.
            Io.PosixFile.Truncate(fd, validLength, path);
        }
        catch
        {
            Io.PosixFile.Close(fd);
            throw;
        }

        return new SampleJournal(path, fd, null, entries);
    }

    /// <summary>Reads a journal without opening it for writing (merge, finalisation).</summary>
    public static Dictionary<int, JsonObject> Read(string path) => Read(path, out _);

    public void Append(JsonObject entry)
    {
        var docId = (int)entry["doc_id"]!;
        var bytes = Encoding.UTF8.GetBytes(JsonOutput.TypedLine(entry) + "\n");
        FaultInjection.Point();
        if (FaultInjection.Active)
        {
            // The campaign's torn-record point: half a line on disk when the process dies.
            WriteDurably(bytes.AsSpan(0, bytes.Length / 2));
            FaultInjection.Point();
            WriteDurably(bytes.AsSpan(bytes.Length / 2));
        }
        else
        {
            // One write call on the O_APPEND handle: records of two writers can never interleave (issue 14 §1).
            WriteDurably(bytes);
        }

        FaultInjection.Point();
        Entries[docId] = entry;
    }

    private void WriteDurably(ReadOnlySpan<byte> bytes)
    {
        if (_stream is not null)
        {
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
        }
        else
        {
            Io.PosixFile.WriteAll(_fd, bytes, Path);
            Io.PosixFile.Sync(_fd, Path);
        }
    }

    public void Dispose()
    {
        if (_stream is not null)
        {
            _stream.Dispose();
        }
        else
        {
            Io.PosixFile.Close(_fd);
        }
    }

    private static DataException Corrupt(string path, int line, string problem) =>
        new($"{path}:{line}: the journal is corrupt ({problem}). Remove that line to resume, or start a new run.");

    /// <summary>
    /// What a journal entry lacks of the shape <see cref="SampleScorer"/> writes and the results writer reads
    /// (records with filter and extraction status/rule, integer usage counts, elapsed_ms), or null. A line that is
    /// valid JSON but not an entry must fail here, naming the line, not later as a NullReferenceException (found by
    /// the corrupt-input campaign, issue 14 §5).
    /// </summary>
    private static string? ShapeProblem(JsonObject entry)
    {
        if (entry["records"] is not JsonArray records)
        {
            return "no records array";
        }

        foreach (var r in records)
        {
            if (r is not JsonObject record || record["filter"] is not JsonValue filter || !filter.TryGetValue<string>(out _)
                || record["extraction"] is not JsonObject extraction
                || extraction["status"] is not JsonValue status || !status.TryGetValue<string>(out _)
                || extraction["rule"] is not JsonValue rule || !rule.TryGetValue<string>(out _))
            {
                return "a record lacks filter or extraction status/rule";
            }
        }

        if (entry["usage"] is not JsonObject usage
            || new[] { "prompt_tokens", "visual_tokens", "generated_tokens", "forward_passes" }.Any(k => usage[k] is not JsonValue u || !u.TryGetValue<int>(out _)))
        {
            return "usage lacks integer prompt_tokens/visual_tokens/generated_tokens/forward_passes";
        }

        return entry["elapsed_ms"] is JsonValue e && e.TryGetValue<double>(out _) ? null : "no numeric elapsed_ms";
    }

    private static Dictionary<int, JsonObject> Read(string path, out long validLength)
    {
        var entries = new Dictionary<int, JsonObject>();
        validLength = 0;
        if (!File.Exists(path))
        {
            return entries;
        }

        var bytes = File.ReadAllBytes(path);
        var lineStart = 0;
        var lineNumber = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
            {
                continue;
            }

            lineNumber++;
            var line = Encoding.UTF8.GetString(bytes, lineStart, i - lineStart);
            if (string.IsNullOrWhiteSpace(line))
            {
                // A blank line is not a record (an editor or a crash between records can leave one): skip it.
                lineStart = i + 1;
                validLength = lineStart;
                continue;
            }

            try
            {
                var node = JsonFiles.Parse(line) as JsonObject ?? throw new DataException($"{path}:{lineNumber}: a journal line must be a JSON object.");
                var id = node["doc_id"] is JsonValue v && v.TryGetValue<int>(out var docId) ? docId : throw Corrupt(path, lineNumber, "no integer doc_id");
                if (ShapeProblem(node) is { } problem)
                {
                    throw Corrupt(path, lineNumber, problem);
                }

                entries[id] = node;
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new DataException($"{path}:{lineNumber}: the journal is corrupt ({e.Message}). Remove that line to resume, or start a new run.", e);
            }

            lineStart = i + 1;
            validLength = lineStart;
        }

        return entries;
    }
}
