namespace LLaDAV.Eval.Models.Backends;

/// <summary>Which of the two published model families a checkpoint is (LLADAV-MODEL.md §2, §9).</summary>
public enum LlavaFamily
{
    /// <summary>LLaDA-V: masked-diffusion LM, template <c>llava_llada</c>.</summary>
    LladaV,

    /// <summary>The LLaMA3-V baseline: causal LM, template <c>llava_llama_3</c>.</summary>
    Llama3V,
}

/// <summary>Per-family prompt constants (§5.1, §9).</summary>
public static class LlavaFamilies
{
    /// <summary>The system message of both templates (<c>conv_templates["llava_llada"]</c> / <c>llava_llama_3</c>).</summary>
    public const string SystemPrompt = "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.";

    public const string ImageToken = "<image>";

    public const string EotToken = "<|eot_id|>";

    /// <summary>The BOS written by the chat template: <c>&lt;|startoftext|&gt;</c> (LLaDA) or <c>&lt;|begin_of_text|&gt;</c> (LLaMA 3).</summary>
    public static string TemplateBos(LlavaFamily family) => family == LlavaFamily.LladaV ? "<|startoftext|>" : "<|begin_of_text|>";

    /// <summary>
    /// §6.2 step 3: logits forced to −∞ at masked positions: <c>&lt;|endoftext|&gt;</c>, <c>&lt;|startoftext|&gt;</c>,
    /// <c>&lt;|start_header_id|&gt;</c>, <c>&lt;|end_header_id|&gt;</c>.
    /// </summary>
    public static IReadOnlyList<string> ForbiddenTokens { get; } = ["<|endoftext|>", "<|startoftext|>", "<|start_header_id|>", "<|end_header_id|>"];

    public const string MaskToken = "<|mdm_mask|>";

    public static LlavaFamily FromModelType(string modelType) =>
        modelType.Contains("llada", StringComparison.OrdinalIgnoreCase) ? LlavaFamily.LladaV : LlavaFamily.Llama3V;
}
