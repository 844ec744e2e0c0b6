using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Which positions a forward covers and what it attends to. Without a cache the input is the whole sequence from
/// position 0. With a cache the input is positions <c>[FirstPosition, FirstPosition + n)</c>, whose K/V are written
/// into the cache, and attention reads cache rows <c>[0, KeyLength)</c> (default: <c>FirstPosition + n</c>).
/// </summary>
public sealed record ForwardWindow(int FirstPosition = 0, KvCache? Cache = null, int? KeyLength = null)
{
    public static ForwardWindow Full { get; } = new();
}

/// <summary>
/// One sequence of a (possibly batched) forward: its input embeddings <c>[n, hidden]</c>, what it covers and attends
/// to, and the logits wanted for input rows <c>[LogitStart, LogitStart + Logits.RowCount)</c>.
/// </summary>
public sealed record ForwardSegment(Tensor Embeds, ForwardWindow Window, int LogitStart, Tensor Logits);
