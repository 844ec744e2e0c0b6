namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The SigLIP vision tower's shape (docs/LLADAV-MODEL.md §3.1). Defaults are SigLIP2 so400m-patch14-384, used when a
/// checkpoint's config.json names the tower by path only and carries no <c>vision_config</c>.
/// </summary>
public sealed record SigLipTowerConfig(
    int HiddenSize = 1152,
    int IntermediateSize = 4304,
    int NumHiddenLayers = 27,
    int NumAttentionHeads = 16,
    int PatchSize = 14,
    int ImageSize = 384,
    int NumChannels = 3,
    float LayerNormEps = 1e-6f,
    string HiddenAct = "gelu_pytorch_tanh")
{
    public int PatchesPerSide => ImageSize / PatchSize;

    public int NumPatches => PatchesPerSide * PatchesPerSide;

    public int HeadDim => HiddenSize / NumAttentionHeads;
}
