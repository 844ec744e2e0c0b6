using System.Globalization;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// Tensor names of the vision stack in a LLaVA-style checkpoint (docs/LLADAV-MODEL.md §2.2): the SigLIP tower under
/// <c>model.vision_tower.vision_tower.vision_model.</c>, the projector as <c>model.mm_projector.{0,2}</c> (index 1 is
/// the parameter-free GELU) and <c>model.image_newline</c>.
/// </summary>
internal static class VisionWeightNames
{
    public const string TowerPrefix = "model.vision_tower.vision_tower.vision_model.";
    public const string PatchWeight = TowerPrefix + "embeddings.patch_embedding.weight";
    public const string PatchBias = TowerPrefix + "embeddings.patch_embedding.bias";
    public const string PositionEmbedding = TowerPrefix + "embeddings.position_embedding.weight";
    public const string Projector0Weight = "model.mm_projector.0.weight";
    public const string Projector0Bias = "model.mm_projector.0.bias";
    public const string Projector2Weight = "model.mm_projector.2.weight";
    public const string Projector2Bias = "model.mm_projector.2.bias";
    public const string ImageNewline = "model.image_newline";

    public static string Layer(int index, string leaf) =>
        string.Create(CultureInfo.InvariantCulture, $"{TowerPrefix}encoder.layers.{index}.{leaf}");
}
