using System.Collections.Immutable;
using LLaDAV.Eval.Models.Checkpoints;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Where each segment of a batched forward sits in the stacked activations and in the stacked lm_head rows, and
/// whether the linear layers may take the whole stack in one GEMM.
/// </summary>
internal sealed record ForwardPlan(
    ImmutableArray<int> Offsets,
    ImmutableArray<int> Lengths,
    ImmutableArray<int> LogitOffsets,
    ImmutableArray<int> LogitLengths,
    bool Packed)
{
    public int Rows => Offsets[^1] + Lengths[^1];

    public int LogitRows => LogitOffsets[^1] + LogitLengths[^1];

    /// <summary>Checks every segment against the model and its cache, and lays the segments out one after another.</summary>
    public static ForwardPlan Create(IReadOnlyList<ForwardSegment> segments, LanguageConfig config, bool causal, bool rowInvariantGemm)
    {
        var offsets = ImmutableArray.CreateBuilder<int>(segments.Count);
        var lengths = ImmutableArray.CreateBuilder<int>(segments.Count);
        var logitOffsets = ImmutableArray.CreateBuilder<int>(segments.Count);
        var logitLengths = ImmutableArray.CreateBuilder<int>(segments.Count);
        var caches = new HashSet<KvCache>(ReferenceEqualityComparer.Instance);
        int rows = 0, logitRows = 0;
        foreach (var segment in segments)
        {
            ArgumentNullException.ThrowIfNull(segment);
            Check(segment, config, causal);
            if (segment.Window.Cache is { } cache && !caches.Add(cache))
            {
                // Each segment writes its K/V into its cache layer by layer before attending: a shared cache would let one
                // segment read the other's keys.
                throw new ArgumentException("Two segments of one batched forward share a K/V cache; run them in separate forwards.", nameof(segments));
            }

            offsets.Add(rows);
            lengths.Add(segment.Embeds.RowCount);
            logitOffsets.Add(logitRows);
            logitLengths.Add(segment.Logits.RowCount);
            rows += segment.Embeds.RowCount;
            logitRows += segment.Logits.RowCount;
        }

        return new ForwardPlan(offsets.MoveToImmutable(), lengths.MoveToImmutable(), logitOffsets.MoveToImmutable(), logitLengths.MoveToImmutable(), segments.Count == 1 || rowInvariantGemm);
    }

    private static void Check(ForwardSegment segment, LanguageConfig c, bool causal)
    {
        var n = segment.Embeds.RowCount;
        var logits = segment.Logits;
        var window = segment.Window;
        if (segment.Embeds.RowLength != c.HiddenSize)
        {
            throw new ArgumentException($"Embeddings {segment.Embeds.Shape} should have {c.HiddenSize} columns.", nameof(segment));
        }

        if (logits.RowLength != c.VocabSize || segment.LogitStart < 0 || segment.LogitStart + logits.RowCount > n)
        {
            throw new ArgumentException($"Logits {logits.Shape} for rows from {segment.LogitStart} do not fit an input of {n} rows and vocab {c.VocabSize}.", nameof(segment));
        }

        if (window.Cache is null && window.FirstPosition != 0)
        {
            throw new ArgumentException("A forward without a cache covers the whole sequence from position 0.", nameof(segment));
        }

        var first = window.FirstPosition;
        var keyLength = window.KeyLength ?? (first + n);
        if (window.Cache is { } cache && (first + n > cache.Capacity || keyLength > cache.Capacity || (keyLength < first + n && causal)))
        {
            throw new ArgumentException($"Window [{first}, {first + n}) with key length {keyLength} does not fit the cache of {cache.Capacity}.", nameof(segment));
        }
    }
}
