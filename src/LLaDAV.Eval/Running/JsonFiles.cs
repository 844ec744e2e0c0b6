using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Parsing of the tool's own JSON files (manifests, results, journal and samples lines) so that every way a file
/// can be damaged ends in one <see cref="DataException"/> naming it. Duplicate property names are rejected while
/// parsing: <see cref="JsonObject"/> would otherwise throw an <see cref="ArgumentException"/> at the first access,
/// far from the file (found by the corrupt-input campaign, issue 14 §5).
/// </summary>
public static class JsonFiles
{
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 128 };

    /// <summary>A JSON text as a node; <see cref="JsonException"/> on bad syntax or duplicate keys.</summary>
    public static JsonNode? Parse(string text) => JsonNode.Parse(text, documentOptions: Strict);

    /// <summary>The whole file as a JSON object, or a <see cref="DataException"/> naming it and saying <paramref name="fix"/>.</summary>
    public static JsonObject ParseObject(string path, string fix)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Cannot read {path}: {e.Message}", e);
        }

        try
        {
            return Parse(text) as JsonObject ?? throw new DataException($"{path} is not a JSON object; {fix}.");
        }
        catch (JsonException e)
        {
            throw new DataException($"{path} is not valid JSON ({e.Message}); {fix}.", e);
        }
    }
}
