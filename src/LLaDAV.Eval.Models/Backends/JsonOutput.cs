using System.Text.Encodings.Web;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>JSON settings of the engine's verbs: special tokens like <c>&lt;|eot_id|&gt;</c> stay readable (no HTML escaping).</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
