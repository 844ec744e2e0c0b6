namespace LLaDAV.Eval.Models.Sampling;

/// <summary>
/// The project's own seeded PRNG (SplitMix64, Steele et al. 2014): sampling is reproducible from
/// <c>GenerationRequest.Seed</c> on every platform and .NET version, unlike <see cref="Random"/>.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in the open interval (0, 1): 53 random bits, never exactly 0 (safe under <c>−log U</c>).</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));
}
