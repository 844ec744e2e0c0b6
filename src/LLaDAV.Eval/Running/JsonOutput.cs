using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Running;

/// <summary>
/// One place for how result files are serialised, so equal inputs give byte-identical files (docs/ARCHITECTURE.md §7):
/// keys in insertion order, shortest round-trip numbers, UTF-8 without escaping non-ASCII text, '\n' line ends.
/// </summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Indented = Models.Backends.JsonFormats.Indented;

    public static readonly JsonSerializerOptions Compact = Models.Backends.JsonFormats.Compact;

    public static string Line(JsonNode node) => node.ToJsonString(Compact);

    /// <summary>
    /// As <see cref="Line"/>, but a whole-number <c>double</c> keeps its point (<c>1.0</c>, not <c>1</c>): what a
    /// journal line is written with, so a per-sample value that is a float in lmms-eval (MME's <c>score</c> 1.0)
    /// is still a float when the journal is read back for the samples files (issue 24, type by type).
    /// </summary>
    public static string TypedLine(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Compact.Encoder, Indented = false }))
        {
            WriteTyped(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTyped(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (key, value) in o)
                {
                    writer.WritePropertyName(key);
                    WriteTyped(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteTyped(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue v when !v.TryGetValue<JsonElement>(out _) && v.TryGetValue<double>(out var d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15:
                writer.WriteRawValue(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ".0");
                break;
            default:
                node.WriteTo(writer, Compact);
                break;
        }
    }

    /// <summary>Writes to a temporary file and renames it over <paramref name="path"/>: a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var tmp = path + ".tmp";
        FaultInjection.Point();
        File.WriteAllText(tmp, content, new System.Text.UTF8Encoding(false));
        FaultInjection.Point();
        File.Move(tmp, path, overwrite: true);
        FaultInjection.Point();
    }

    public static void WriteFile(string path, JsonNode node) => WriteAtomically(path, node.ToJsonString(Indented) + "\n");

    /// <summary>A CLR value from a row or YAML (string, long, double, bool, list, map, byte[]) as JSON.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        float f => JsonValue.Create((double)f),
        decimal m => JsonValue.Create(m),
        byte[] bytes => JsonValue.Create($"<{bytes.Length} bytes>"),
        IReadOnlyDictionary<string, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key, ToNode(kv.Value)))),
        System.Collections.IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(ToNode)]),
        IFormattable f => JsonValue.Create(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };
}
