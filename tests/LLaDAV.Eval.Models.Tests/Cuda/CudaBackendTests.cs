using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;
using LLaDAV.Eval.Models.Tensors.Cuda.Selftest;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// The CUDA backend against the CPU backend. Tests marked <see cref="CudaFactAttribute"/> need a GPU and are skipped
/// with the probe's reason elsewhere; the rest check, without a GPU, the comparison harness itself (on the two CPU
/// GEMMs), the missing-library errors and device-string parsing.
/// </summary>
public sealed class CudaBackendTests
{
    [CudaFact]
    public void Every_op_matches_the_cpu_backend_within_its_tolerance()
    {
        using var cpu = new CpuBackend();
        using var cuda = new CudaBackend();
        var checks = BackendComparison.Run(cpu, cuda);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Contains(checks, c => c.Op.StartsWith("ScoreRows", StringComparison.Ordinal));
    }

    [CudaFact]
    public void Both_tiny_reference_checkpoints_generate_the_reference_ids_on_the_gpu_with_fp32_weights()
    {
        // On the emulated device: the emulator subset (LLADAV_CUDA_EMULATOR_SLOW=1 runs all of reference.json).
        using var cuda = new CudaBackend(0, CudaWeightStorage.Fp32);
        var set = ReferenceGenerationCheck.SetFor(cuda);
        var checks = ReferenceGenerationCheck.Run(cuda, TestPaths.InTestData("model-reference"), set);
        // reference.json: 3 tiny-lladav generations, tiny-llama3v greedy with and without the KV cache; the subset
        // keeps one generation of each checkpoint.
        Assert.Equal(set == ReferenceSet.All ? 5 : 2, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }

    [CudaFact]
    public void Long_bidirectional_attention_runs_in_linear_memory_and_matches_the_cpu()
    {
        // 2048 tokens: the kernel never materialises the 2048×2048 score matrix; the CPU reference does.
        using var cpu = new CpuBackend();
        using var cuda = new CudaBackend();
        var check = LongAttentionCheck.Run(cpu, cuda);
        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public void The_comparison_harness_passes_for_the_two_cpu_gemms()
    {
        using var reference = new CpuBackend();
        using var managed = new CpuBackend(CpuGemmKind.Managed);
        var checks = BackendComparison.Run(reference, managed);
        Assert.True(checks.Count >= 25, $"{checks.Count} checks");
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public void The_comparison_harness_reports_a_wrong_op()
    {
        var bad = OpCheck.Compare("x", [1f, 2f, 3f], [1f, 2.5f, 3f], 1e-3, 1e-3);
        Assert.False(bad.Passed);
        Assert.Equal(0.5, bad.MaxAbsError, 6);
        Assert.Contains("first failure at 1", bad.ToString(), StringComparison.Ordinal);
        Assert.False(OpCheck.Exact("i", [1, 2], [1, 3]).Passed);
    }

    [Fact]
    public void The_reference_generation_check_passes_on_the_cpu_backend()
    {
        using var cpu = new CpuBackend();
        var checks = ReferenceGenerationCheck.Run(cpu, TestPaths.InTestData("model-reference"));
        Assert.True(checks.Count >= 3, $"{checks.Count} generations checked");
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public void A_missing_library_is_one_typed_error_naming_the_library_and_its_provider()
    {
        var e = Assert.Throws<CudaUnavailableException>(() =>
            NativeLibraryProbe.Load("cuBLAS (libcublas)", ["libcublas-missing.so.99"], "Install the CUDA toolkit."));
        Assert.Equal("libcublas-missing.so.99", e.Library);
        Assert.Contains("cuBLAS (libcublas) could not be loaded (tried libcublas-missing.so.99", e.Message, StringComparison.Ordinal);
        Assert.Contains("Install the CUDA toolkit.", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NotSupportedException>(e);
    }

    [Fact]
    public void Without_a_gpu_creating_the_backend_names_what_is_missing_and_with_one_it_opens_cuda_0()
    {
        if (CudaBackend.Probe() is { } reason)
        {
            var e = Assert.Throws<CudaUnavailableException>(() => CudaBackend.Create("cuda"));
            Assert.Contains(e.Message, reason, StringComparison.Ordinal);
            Assert.Matches("libcuda|libcublas|libnvrtc|device", e.Message);
        }
        else
        {
            using var cuda = CudaBackend.Create("cuda:0");
            Assert.Equal("cuda:0", cuda.Name);
            Assert.Contains("cuBLAS", cuda.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Device_strings_are_parsed_strictly()
    {
        Assert.Throws<ArgumentException>(() => CudaBackend.Create("cuda:x"));
        Assert.Throws<ArgumentException>(() => CudaBackend.Create("cuda:-1"));
        Assert.Throws<ArgumentException>(() => CudaBackend.Create("gpu"));
    }

    [NvrtcFact]
    public void Compiled_ptx_is_cached_on_disk_by_source_hash_and_architecture()
    {
        var module = KernelSources.All[0];
        var ptx = KernelCache.GetPtx(module, 70);
        Assert.Contains(".entry silu_mul_f32(", ptx, StringComparison.Ordinal);
        Assert.Same(ptx, KernelCache.GetPtx(module, 70));
        if (Directory.Exists(KernelCache.Folder))
        {
            Assert.Contains(Directory.EnumerateFiles(KernelCache.Folder), f => Path.GetFileName(f).StartsWith(module.Name + "-", StringComparison.Ordinal) && f.EndsWith("-compute_70.ptx", StringComparison.Ordinal));
        }
    }
}
