using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Demo;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>What the <c>generate</c> verb asks for.</summary>
public sealed record GenerateToolRequest(string Model, string? ModelPath, string? ImagePath, string Prompt, string? GenKwargs, bool Json, string Device, ulong Seed)
{
    /// <summary><c>--dtype</c>: fp32, bf16 or null for the device default (<see cref="ComputeDevices.ParseDType"/>).</summary>
    public string? DType { get; init; }
}

/// <summary>
/// The <c>generate</c> verb's logic: the prompt goes through exactly the backend's request path (placeholder insertion,
/// template, tokenizer_image_token, vision, sampler), and the result is printed as text or JSON.
/// </summary>
public static class GenerateTool
{
    public static string Run(GenerateToolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var family = request.Model switch
        {
            "lladav" => LlavaFamily.LladaV,
            "llama3v" => LlavaFamily.Llama3V,
            _ => throw new ArgumentException($"--model must be lladav or llama3v, not '{request.Model}'."),
        };
        var directory = request.ModelPath is null or "demo" ? DemoCheckpoint.Ensure(family) : request.ModelPath;
        using var backend = ComputeDevices.Create(request.Device, request.DType);
        using var model = LlavaModel.Open(directory, backend);
        if (model.Family != family)
        {
            throw new ArgumentException($"--model {request.Model} does not match the {model.Family} checkpoint in {directory}.");
        }

        IReadOnlyList<VisualInput> visuals = request.ImagePath is null
            ? []
            : [new ImageInput(request.ImagePath, () => ImageDecoder.DecodeFile(request.ImagePath))];
        var output = model.Generate(request.Prompt, visuals, KeyValueText.ParseGenerationKwargs(request.GenKwargs), request.Seed);
        return request.Json ? Json(output) : Text(output, backend.Description);
    }

    private static string Json(GenerationOutput o) => new JsonObject
    {
        ["prompt"] = o.RenderedPrompt,
        ["prompt_ids"] = new JsonArray([.. o.PromptIds.Select(i => (JsonNode)i)]),
        ["generated_ids"] = new JsonArray([.. o.GeneratedIds.Select(i => (JsonNode)i)]),
        ["text"] = o.Text,
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = o.Usage.PromptTokens,
            ["visual_tokens"] = o.Usage.VisualTokens,
            ["generated_tokens"] = o.Usage.GeneratedTokens,
            ["forward_passes"] = o.Usage.ForwardPasses,
        },
        ["seconds"] = Math.Round(o.Elapsed.TotalSeconds, 3),
    }.ToJsonString(JsonFormats.Compact);

    private static string Text(GenerationOutput o, string device)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"prompt ids ({o.PromptIds.Length}): {string.Join(' ', o.PromptIds)}");
        sb.AppendLine(c, $"generated ids ({o.GeneratedIds.Length}): {string.Join(' ', o.GeneratedIds)}");
        sb.AppendLine(c, $"text: {o.Text}");
        sb.Append(c, $"{o.Elapsed.TotalSeconds:F2} s on {device}; {o.Usage.PromptTokens} prompt + {o.Usage.VisualTokens} visual tokens, {o.Usage.GeneratedTokens} generated, {o.Usage.ForwardPasses} forward passes");
        return sb.ToString();
    }
}
