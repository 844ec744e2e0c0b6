using System.Text.Encodings.Web;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// The tool's two JSON layouts, defined once for every layer: the engine's verbs print with them and the pipeline's
/// result files (<c>LLaDAV.Eval.Running.JsonOutput</c>) are written with them. Text stays readable (special tokens such
/// as <c>&lt;|eot_id|&gt;</c>, non-ASCII), keys in insertion order, '\n' line ends.
/// </summary>
public static class JsonFormats
{
    public static JsonSerializerOptions Indented { get; } = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonSerializerOptions Compact { get; } = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
