using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Checkpoints;

namespace LLaDAV.Eval.Models.Language;

/// <summary>The <c>forward</c> verb's logic: load only the language tower, run the ids, print argmax and top-5 per position.</summary>
public static class ForwardTool
{
    public static string Run(string modelPath, string ids, bool json, string device, string? dtype = null)
    {
        var tokens = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--ids: '{s}' is not an integer id."))
            .ToArray();
        if (tokens.Length == 0)
        {
            throw new ArgumentException("--ids needs at least one id.");
        }

        using var backend = ComputeDevices.Create(device, dtype);
        using var checkpoint = Checkpoint.Open(modelPath);
        using var model = LanguageModel.Load(checkpoint, backend);
        var rows = ForwardProbe.Run(model, tokens);
        if (json)
        {
            return new JsonObject
            {
                ["ids"] = new JsonArray([.. tokens.Select(i => (JsonNode)i)]),
                ["argmax"] = new JsonArray([.. rows.Select(r => (JsonNode)r.Argmax)]),
                ["top5"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonArray([.. r.Top5.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["logit"] = t.Logit })]))]),
            }.ToJsonString(JsonOutput.Options);
        }

        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("pos  id      argmax  top-5 (id:logit)");
        foreach (var r in rows)
        {
            sb.AppendLine(c, $"{r.Position,3}  {tokens[r.Position],6}  {r.Argmax,6}  {string.Join("  ", r.Top5.Select(t => string.Create(c, $"{t.Id}:{t.Logit:F4}")))}");
        }

        return sb.ToString().TrimEnd();
    }
}
