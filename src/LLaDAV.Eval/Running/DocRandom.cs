using System.Security.Cryptography;
using System.Text;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Seeds per document (docs/ARCHITECTURE.md §7): SHA-256 of (run seed, task, doc id), so a document's seed does not depend
/// on batch size, order, sharding or process count — unlike lmms-eval, whose per-rank <c>random</c> state makes
/// MMMU's fallback depend on the GPU count (docs/LMMS-EVAL.md §1.7, §5 item 1).
/// </summary>
public static class DocRandom
{
    public static ulong DocSeed(long runSeed, string task, int docId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{runSeed}\n{task}\n{docId}")));
        return BitConverter.ToUInt64(bytes, 0);
    }

    /// <summary>A uniform index in [0, count) for one named decision of one document (SplitMix64 of seed ⊕ purpose).</summary>
    public static int Index(ulong docSeed, string purpose, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var mixed = SplitMix64(docSeed ^ Fnv1a(purpose));

        // Lemire's multiply-shift keeps the draw unbiased enough for small counts and needs no loop.
        return (int)(((UInt128)mixed * (ulong)count) >> 64);
    }

    public static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static ulong Fnv1a(string s)
    {
        var h = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            h = (h ^ b) * 0x100000001b3UL;
        }

        return h;
    }
}
