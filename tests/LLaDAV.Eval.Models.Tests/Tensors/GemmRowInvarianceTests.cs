using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Tensors;

/// <summary>
/// Batching packs several sequences into one GEMM only when the GEMM is row-invariant: a row's result must not depend
/// on how many rows are beside it or where it sits. These tests hold the managed GEMM to that bit for bit; that a GEMM
/// which is not row-invariant is never packed is checked in BatchedGenerationTests.
/// </summary>
public sealed class GemmRowInvarianceTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2) - 1))];
    }

    [Theory]
    [InlineData(37, 45, 300)] // K not a multiple of the vector width: the scalar tail is part of the order too
    [InlineData(9, 64, 2100)] // K longer than one K tile (1024)
    [InlineData(6, 33, 64)] // below the parallel threshold
    public void Managed_gemm_gives_every_row_the_same_bits_alone_and_inside_any_batch(int m, int n, int k)
    {
        Assert.True(ManagedGemm.Instance.RowInvariant);
        var a = Random(m * k, 1);
        var w = Random(n * k, 2);
        var all = new float[m * n];
        ManagedGemm.Instance.Sgemm(true, m, n, k, a, 0, k, w, 0, k, all, 0, n);
        for (var row = 0; row < m; row++)
        {
            // alone (M = 1, the remainder path), and as row 2 of a 3-row window (a 4-row group never forms)
            var alone = new float[n];
            ManagedGemm.Instance.Sgemm(true, 1, n, k, a, (long)row * k, k, w, 0, k, alone, 0, n);
            Assert.True(alone.AsSpan().SequenceEqual(all.AsSpan(row * n, n)), $"row {row} alone differs from row {row} of {m}");
            if (row >= 2)
            {
                var window = new float[3 * n];
                ManagedGemm.Instance.Sgemm(true, 3, n, k, a, (long)(row - 2) * k, k, w, 0, k, window, 0, n);
                Assert.True(window.AsSpan(2 * n, n).SequenceEqual(all.AsSpan(row * n, n)), $"row {row} in a 3-row window differs");
            }
        }
    }

    [Fact]
    public void Cpu_backend_with_the_managed_gemm_packs_batches()
    {
        // BatchedGenerationTests' packed path depends on this; if it ever turned false, packing would go untested.
        using var managed = new CpuBackend(CpuGemmKind.Managed);
        Assert.True(managed.RowInvariantMatMul);
    }
}
