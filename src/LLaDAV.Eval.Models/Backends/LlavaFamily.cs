namespace LLaDAV.Eval.Models.Backends;

/// <summary>Which of the two published model families a checkpoint is (docs/LLADAV-MODEL.md §2, §9).</summary>
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
    public const string EotToken = "<|eot_id|>";

    /// <summary>
    /// §6.2 step 3: logits forced to −∞ at masked positions: <c>&lt;|endoftext|&gt;</c>, <c>&lt;|startoftext|&gt;</c>,
    /// <c>&lt;|start_header_id|&gt;</c>, <c>&lt;|end_header_id|&gt;</c>.
    /// </summary>
    public static IReadOnlyList<string> ForbiddenTokens { get; } = ["<|endoftext|>", "<|startoftext|>", "<|start_header_id|>", "<|end_header_id|>"];

    public const string MaskToken = "<|mdm_mask|>";

    public static LlavaFamily FromModelType(string modelType) =>
        modelType.Contains("llada", StringComparison.OrdinalIgnoreCase) ? LlavaFamily.LladaV : LlavaFamily.Llama3V;
}
