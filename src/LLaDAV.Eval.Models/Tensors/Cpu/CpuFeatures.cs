using System.Runtime.Intrinsics.X86;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// The x86 features the bf16 CPU path needs, read from CPUID. .NET 10 has no <c>Avx512Bf16</c> intrinsics class, so
/// AVX512-BF16 is CPUID leaf 7 sub-leaf 1, EAX bit 5 (Intel SDM vol. 2A, CPUID "Structured Extended Feature
/// Enumeration Sub-leaf 1"); the OS must also save the ZMM state, which <see cref="Avx512F.IsSupported"/> already checks
/// (XGETBV), so both must hold.
/// </summary>
public readonly record struct CpuFeatures(bool Avx512F, bool Avx512Bf16)
{
    /// <summary>Bit 5 of CPUID.(EAX=7, ECX=1):EAX.</summary>
    public const int Avx512Bf16Bit = 5;

    public static CpuFeatures Current { get; } = Detect();

    /// <summary>Decodes the feature bits from a sub-leaf 1 EAX value and whether AVX-512F is usable; separate so the rule is testable.</summary>
    public static CpuFeatures FromCpuId(bool avx512F, int leaf7Subleaf1Eax) => new(avx512F, avx512F && ((leaf7Subleaf1Eax >> Avx512Bf16Bit) & 1) == 1);

    private static CpuFeatures Detect()
    {
        if (!X86Base.IsSupported)
        {
            return new CpuFeatures(false, false);
        }

        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7)
        {
            return new CpuFeatures(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, false);
        }

        var (maxSubleaf, _, _, _) = X86Base.CpuId(7, 0);
        var eax = maxSubleaf >= 1 ? X86Base.CpuId(7, 1).Eax : 0;
        return FromCpuId(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, eax);
    }
}
