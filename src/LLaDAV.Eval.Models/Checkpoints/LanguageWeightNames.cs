namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>
/// Tensor names of a LLaMA-shaped language tower under one of the two key schemes of docs/LLADAV-MODEL.md §1.3:
/// HF-style (<c>model.layers.{i}.*</c>, LLaDA-V and LLaMA) or original LLaDA (<c>model.transformer.blocks.{i}.*</c>).
/// The rename between them is a pure key mapping (no transpose, no dtype change).
/// </summary>
public sealed record LanguageWeightNames(bool Original)
{
    public static LanguageWeightNames For(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new LanguageWeightNames(checkpoint.Contains("model.transformer.wte.weight"));
    }

    public string Embedding => Original ? "model.transformer.wte.weight" : "model.embed_tokens.weight";

    public string FinalNorm => Original ? "model.transformer.ln_f.weight" : "model.norm.weight";

    public string LmHead => Original ? "model.transformer.ff_out.weight" : "lm_head.weight";

    public string AttnNorm(int i) => Original ? $"model.transformer.blocks.{i}.attn_norm.weight" : $"model.layers.{i}.input_layernorm.weight";

    public string Q(int i) => Original ? $"model.transformer.blocks.{i}.q_proj.weight" : $"model.layers.{i}.self_attn.q_proj.weight";

    public string K(int i) => Original ? $"model.transformer.blocks.{i}.k_proj.weight" : $"model.layers.{i}.self_attn.k_proj.weight";

    public string V(int i) => Original ? $"model.transformer.blocks.{i}.v_proj.weight" : $"model.layers.{i}.self_attn.v_proj.weight";

    public string O(int i) => Original ? $"model.transformer.blocks.{i}.attn_out.weight" : $"model.layers.{i}.self_attn.o_proj.weight";

    public string FfnNorm(int i) => Original ? $"model.transformer.blocks.{i}.ff_norm.weight" : $"model.layers.{i}.post_attention_layernorm.weight";

    /// <summary>The SwiGLU gate (gets the SiLU); <c>ff_proj</c> in the original scheme.</summary>
    public string Gate(int i) => Original ? $"model.transformer.blocks.{i}.ff_proj.weight" : $"model.layers.{i}.mlp.gate_proj.weight";

    public string Up(int i) => Original ? $"model.transformer.blocks.{i}.up_proj.weight" : $"model.layers.{i}.mlp.up_proj.weight";

    public string Down(int i) => Original ? $"model.transformer.blocks.{i}.ff_out.weight" : $"model.layers.{i}.mlp.down_proj.weight";
}
