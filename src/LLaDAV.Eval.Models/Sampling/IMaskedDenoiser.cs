using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>What a forward recomputes (Fast-dLLM §8.1): everything without a cache, everything while rebuilding the cache, or a window against the cache.</summary>
public enum DenoiserPass
{
    Full,
    Refresh,
    Window,
}

/// <summary>
/// One forward request. Window passes feed sequence positions <c>[WindowStart, WindowEnd)</c> only. Logits are wanted
/// for sequence positions <c>[LogitFrom, LogitTo)</c>, which lie inside the window. <c>Unconditional</c> asks for the
/// CFG branch, the sequence with every prompt position set to [MASK] (LLaDA generate.py).
/// </summary>
public readonly record struct DenoiserCall(DenoiserPass Pass, int WindowStart, int WindowEnd, int LogitFrom, int LogitTo, bool Unconditional);

/// <summary>
/// The sampler's view of a masked-diffusion model holding the current sequence state in embedding space
/// (§6.2: <c>x_embeds</c>); the sampler keeps ids and the mask itself.
/// </summary>
public interface IMaskedDenoiser
{
    /// <summary>Prompt length P; the generation occupies positions <c>[P, P + gen_length)</c>.</summary>
    int PromptLength { get; }

    int VocabSize { get; }

    /// <summary>Replaces the [MASK] at sequence position <paramref name="position"/> by the embedding of <paramref name="id"/>.</summary>
    void Commit(int position, int id);

    /// <summary>Runs one forward and writes fp32 logits, <c>(LogitTo − LogitFrom) × vocab</c>, into <paramref name="logits"/>.</summary>
    void Forward(DenoiserCall call, Span<float> logits);

    /// <summary>
    /// Runs one forward and scores each logit row greedily (<see cref="Tensors.IComputeBackend.ScoreRows"/>: forbidden ids
    /// excluded, first argmax, fp64 softmax confidence). A device-backed denoiser scores where the logits are; this
    /// default scores on the host with the same formula (<see cref="ScoreOnHost"/>).
    /// </summary>
    void ForwardScores(DenoiserCall call, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence) =>
        ScoreOnHost(this, call, forbidden, ids, confidence);

    /// <summary>Greedy scoring of <paramref name="denoiser"/>'s logits on the host (callable by implementations that also count calls).</summary>
    static void ScoreOnHost(IMaskedDenoiser denoiser, DenoiserCall call, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        var vocab = denoiser.VocabSize;
        var logits = new float[(call.LogitTo - call.LogitFrom) * vocab];
        denoiser.Forward(call, logits);
        for (var r = 0; r < ids.Length; r++)
        {
            var row = logits.AsSpan(r * vocab, vocab);
            foreach (var id in forbidden)
            {
                row[id] = float.NegativeInfinity;
            }

            (ids[r], confidence[r]) = Tensors.Cpu.CpuBackend.GreedyScore(row);
        }
    }
}

/// <summary>
/// One forward of a batched diffusion round: the denoiser, what to compute, and where its logits go, or, when
/// <see cref="Scores"/> is set, only each row's greedy id and confidence (<see cref="IMaskedDenoiser.ForwardScores"/>).
/// </summary>
public readonly record struct DenoiserWork(IMaskedDenoiser Denoiser, DenoiserCall Call, Memory<float> Logits, RowScores? Scores = null);

/// <summary>Destinations of greedy scoring: one id and one fp64 confidence per logit row, and the ids never chosen.</summary>
public sealed record RowScores(Memory<int> Ids, Memory<double> Confidence, ImmutableArray<int> Forbidden);

/// <summary>Runs one round's forwards, possibly as one batched model call; each work item's logits must be filled.</summary>
public delegate void DenoiserBatchForward(IReadOnlyList<DenoiserWork> work);

/// <summary>One sequence to generate: its denoiser (holding the sequence), options and per-document seed.</summary>
public sealed record DiffusionJob(IMaskedDenoiser Denoiser, DiffusionOptions Options, ulong Seed);
