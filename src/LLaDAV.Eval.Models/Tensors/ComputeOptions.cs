namespace LLaDAV.Eval.Models.Tensors;

/// <summary>Which GELU: exact erf (nn.GELU(), the projector) or the tanh approximation (SigLIP's MLP).</summary>
public enum GeluKind
{
    Erf,
    Tanh,
}

/// <summary>
/// Scaled dot-product attention over row-major <c>[T, heads·headDim]</c> tensors. Queries are the last
/// <c>q.RowCount</c> positions of the <c>k.RowCount</c> key positions, so a causal mask lets query i see keys
/// <c>0 .. (Tk − Tq + i)</c>; this covers KV-cache decoding and a cached prefix. GQA: query head h reads kv head
/// <c>h / (Heads / KvHeads)</c> (HF <c>repeat_kv</c>).
/// </summary>
public readonly record struct AttentionSpec(int Heads, int KvHeads, int HeadDim, bool Causal)
{
    public float Scale => 1f / MathF.Sqrt(HeadDim);
}
