using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Parsing of the tool's own JSON files (manifests, counts, results, journal and samples lines) so that every way a
/// file can be damaged ends in one <see cref="DataException"/> naming it, at file:line:column where the parser knows
/// the place (issue 14 §2). Duplicate property names are rejected while parsing: <see cref="JsonObject"/> would
/// otherwise throw an <see cref="ArgumentException"/> at the first access, far from the file (found by the
/// corrupt-input campaign, issue 14 §5).
/// </summary>
public static class JsonFiles
{
    private const string DefaultFix = "restore the file or start a new run";

    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 128 };

    /// <summary>A JSON text as a node; <see cref="JsonException"/> on bad syntax or duplicate keys.</summary>
    public static JsonNode? Parse(string text) => JsonNode.Parse(text, documentOptions: Strict);

    /// <summary>The whole file as a JSON object, or a <see cref="DataException"/> naming it and saying <paramref name="fix"/>.</summary>
    public static JsonObject ParseObject(string path, string? fix = null)
    {
        fix ??= DefaultFix;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Cannot read {path}: {e.Message}", e);
        }

        JsonNode? node;
        try
        {
            node = Parse(text);
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine are 0-based.
            throw new DataException(
                $"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: malformed JSON, truncated or damaged ({e.Message}); {fix}.", e);
        }

        return node as JsonObject ?? throw new DataException($"{path}: the file must hold a JSON object; {fix}.");
    }
}
