using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Models.Demo;

/// <summary>Dimensions of a demo checkpoint: small enough to generate in a second, shaped like the real ones (GQA for LLaMA3-V).</summary>
public sealed record DemoShape(int Vocab, int Hidden, int Intermediate, int Layers, int Heads, int KvHeads, int VisionHidden, int VisionIntermediate, int VisionLayers, int VisionHeads)
{
    public static DemoShape For(LlavaFamily family, int vocab) =>
        new(vocab, 128, 352, 2, 4, family == LlavaFamily.LladaV ? 4 : 2, 64, 128, 2, 2);
}
