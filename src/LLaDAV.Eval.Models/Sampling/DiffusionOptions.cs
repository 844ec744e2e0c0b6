using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>Confidence used to pick positions to commit (LLaDA generate.py <c>remasking</c>).</summary>
public enum Remasking
{
    LowConfidence,
    Random,
}

/// <summary>Fast-dLLM K/V caching (§8): none (full forward each step), prefix, or dual.</summary>
public enum CacheMode
{
    None,
    Prefix,
    Dual,
}

/// <summary>
/// Settings of one masked-diffusion generation (docs/LLADAV-MODEL.md §6, §8). <see cref="RefreshInterval"/> null means the
/// cache is rebuilt only at block starts (upstream Fast-dLLM); r means every r steps within a block (LLaDA-V hook,
/// <c>prefix_refresh_interval</c>). <see cref="Threshold"/> selects the τ rule and <see cref="Factor"/> the factor
/// rule; with either, a block runs until it has no masks instead of a fixed step count.
/// </summary>
public sealed record DiffusionOptions
{
    public required int GenLength { get; init; }

    public required int Steps { get; init; }

    public required int BlockLength { get; init; }

    public required int MaskId { get; init; }

    public double Temperature { get; init; }

    public double CfgScale { get; init; }

    public Remasking Remasking { get; init; } = Remasking.LowConfidence;

    /// <summary>Ids whose logits are −∞ at masked positions (LLaDA-V: EOS, BOS, start/end header; §6.2 step 3).</summary>
    public ImmutableArray<int> ForbiddenIds { get; init; } = [];

    /// <summary>Stop sequences in priority order (§6.2 step 7); output is truncated before the first found.</summary>
    public ImmutableArray<ImmutableArray<int>> StopSequences { get; init; } = [];

    public CacheMode Cache { get; init; } = CacheMode.None;

    public int? RefreshInterval { get; init; }

    public double? Threshold { get; init; }

    public double? Factor { get; init; }

    public void Validate()
    {
        if (GenLength <= 0 || BlockLength <= 0 || Steps <= 0)
        {
            throw new ArgumentException($"gen_length ({GenLength}), block_length ({BlockLength}) and steps ({Steps}) must be positive.");
        }

        // LLaDA generate.py asserts both divisibilities.
        if (GenLength % BlockLength != 0)
        {
            throw new ArgumentException($"gen_length {GenLength} is not a multiple of block_length {BlockLength}.");
        }

        var blocks = GenLength / BlockLength;
        if (Steps % blocks != 0)
        {
            throw new ArgumentException($"steps {Steps} is not a multiple of the number of blocks {blocks}.");
        }

        if (RefreshInterval is <= 0)
        {
            throw new ArgumentException($"refresh_interval must be positive, got {RefreshInterval}.");
        }

        if (CfgScale > 0 && Cache != CacheMode.None)
        {
            throw new ArgumentException("cfg_scale > 0 is supported without a K/V cache only (Fast-dLLM has no CFG path).");
        }
    }
}

/// <summary>One step of a diffusion generation: the positions (relative to the generation start) committed and their ids.</summary>
public sealed record DiffusionStep(int Block, int Step, ImmutableArray<int> Positions, ImmutableArray<int> Ids);

/// <summary>The generated ids (truncated before the stop sequence), the trace, and the number of forward passes (NFE).</summary>
public sealed record DiffusionResult(ImmutableArray<int> Ids, ImmutableArray<DiffusionStep> Trace, int ForwardPasses, bool Stopped);
