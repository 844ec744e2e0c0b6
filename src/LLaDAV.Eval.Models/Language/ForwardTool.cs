using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Checkpoints;

namespace LLaDAV.Eval.Models.Language;

/// <summary>What the <c>forward</c> verb asks for. <see cref="LogitsOut"/> writes every logit instead of the summary; <see cref="Dtype"/> is fp32 or bf16 (null: the device's default).</summary>
public sealed record ForwardToolRequest(string ModelPath, string? Ids, string? IdsFile, bool Json, string Device, string? LogitsOut = null, string? Dtype = null);

/// <summary>
/// The <c>forward</c> verb's logic: one full forward over token ids (bidirectional for LLaDA, causal for LLaMA), printed
/// as argmax and top-5 per position, or with <c>--logits-out FILE</c> all logits written as raw little-endian float32,
/// row-major <c>[positions, vocab]</c> (what numpy's <c>fromfile(dtype='&lt;f4')</c> reads) for comparison with
/// another implementation (scripts/gpu/torch_reference.py).
/// </summary>
public static class ForwardTool
{
    public static string Run(string modelPath, string ids, bool json, string device, string? dtype = null) =>
        Run(new ForwardToolRequest(modelPath, ids, null, json, device, null, dtype));

    public static string Run(ForwardToolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tokens = TokenIds.Read(request.Ids, request.IdsFile);
        using var checkpoint = Checkpoint.Open(request.ModelPath);
        TokenIds.CheckRange(tokens, checkpoint.Config.Language.VocabSize);
        using var backend = ComputeDevices.Create(request.Device, request.Dtype);
        using var model = LanguageModel.Load(checkpoint, backend);
        if (request.LogitsOut is { } path)
        {
            var started = DateTime.UtcNow;
            var logits = model.ForwardIds(tokens);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            WriteFloats(path, logits);
            return string.Create(CultureInfo.InvariantCulture, $"wrote {tokens.Length}x{model.Config.VocabSize} float32 logits to {path} ({seconds:F3} s forward and download on {backend.Description})");
        }

        var rows = ForwardProbe.Run(model, tokens);
        if (request.Json)
        {
            return new JsonObject
            {
                ["ids"] = new JsonArray([.. tokens.Select(i => (JsonNode)i)]),
                ["argmax"] = new JsonArray([.. rows.Select(r => (JsonNode)r.Argmax)]),
                ["top5"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonArray([.. r.Top5.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["logit"] = t.Logit })]))]),
            }.ToJsonString(JsonFormats.Compact);
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

    private static void WriteFloats(string path, float[] values)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        var buffer = new byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            stream.Write(buffer);
        }
    }
}
