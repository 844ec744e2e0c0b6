using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// Issue 27 §3: NVIDIA's NVRTC (Debian's 11.8 in CI) compiles every kernel to SASS for sm_80 and sm_90, and ptxas's
/// <c>-v</c> report (registers, spills, shared memory per kernel) is written to
/// <c>$LLADAV_TEST_ARTIFACTS/kernel-resources.md</c> (default <c>.artifacts/</c> in the repository). A kernel that spills
/// or does not fit its launch fails. No GPU needed.
/// </summary>
public sealed class KernelResourceReportTests
{
    /// <summary>
    /// 48 live floats per thread under <c>__launch_bounds__(1024, 2)</c> (at most 32 registers): ptxas must spill.
    /// NVRTC 11.8 on sm_80 reports 1656 bytes of spill stores for it.
    /// </summary>
    private const string SpillingKernel = """
        extern "C" __global__ void __launch_bounds__(1024, 2) spill(const float* a, float* b, int n)
        {
            float acc[48];
            #pragma unroll
            for (int j = 0; j < 48; j++) acc[j] = a[(threadIdx.x * 48 + j) % n];
            #pragma unroll
            for (int r = 0; r < 8; r++)
            #pragma unroll
            for (int j = 0; j < 48; j++) acc[j] = acc[j] * acc[(j + r + 1) % 48] + 1.0f;
            float s = 0;
            #pragma unroll
            for (int j = 0; j < 48; j++) s += acc[j] * (j + 1);
            b[threadIdx.x] = s;
        }
        """;

    [ToolkitNvrtcFact]
    public void Every_kernel_compiles_to_sass_for_sm_80_and_sm_90_without_spills_and_within_its_launch()
    {
        var nvrtc = KernelCompileCheck.Compiler;
        Assert.False(nvrtc.IsEmulated);
        Assert.All(KernelResourceReport.Architectures, a => Assert.Contains(a, nvrtc.SupportedArchitectures()));

        var rows = KernelResourceReport.Run(nvrtc, KernelResourceReport.Architectures);

        var artifacts = Environment.GetEnvironmentVariable("LLADAV_TEST_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(TestPaths.RepoRoot, ".artifacts");
        Directory.CreateDirectory(artifacts);
        var report = KernelResourceReport.Markdown(rows, nvrtc);
        File.WriteAllText(Path.Combine(artifacts, "kernel-resources.md"), report);

        // every kernel of every module, once per architecture
        var expected = KernelSources.All.SelectMany(m => m.Functions).Order(StringComparer.Ordinal).ToList();
        foreach (var arch in KernelResourceReport.Architectures)
        {
            Assert.Equal(expected, rows.Where(r => r.Arch == arch).Select(r => r.Kernel).Order(StringComparer.Ordinal));
        }

        Assert.All(rows, r => Assert.InRange(r.Registers, 1, 255));
        var failing = rows.Where(r => r.Problems.Count > 0).Select(r => $"{r.Kernel} sm_{r.Arch}: {string.Join("; ", r.Problems)}").ToList();
        Assert.True(failing.Count == 0, "kernels failing the resource check:\n" + string.Join("\n", failing) + "\n\n" + report);

        // attention keeps its K/V/Q tiles in static shared memory: (32·129 + 32·128 + 8·128)·4 bytes
        Assert.All(rows.Where(r => r.Kernel == "attention_flash"), r => Assert.Equal(((32 * 129) + (32 * 128) + (8 * 128)) * 4, r.SharedBytes));
        Assert.All(rows.Where(r => r.Kernel == "attention_flash"), r => Assert.Equal(256, r.LaunchBounds));
    }

    [ToolkitNvrtcFact]
    public void A_kernel_that_spills_fails_the_check_with_ptxas_own_numbers()
    {
        var nvrtc = KernelCompileCheck.Compiler;
        var module = new KernelSource("spill", SpillingKernel);
        var (cubin, log) = nvrtc.CompileToCubin(module.Code, "spill.cu", 80);
        Assert.Equal(0x7f, cubin[0]);

        var row = Assert.Single(KernelResourceReport.Parse(module, 80, log));
        Assert.True(row.SpillStoreBytes > 0 && row.SpillLoadBytes > 0, log);
        Assert.True(row.Registers <= 32, log); // 64K registers / (2 blocks × 1024 threads)
        Assert.Contains(row.Problems, p => p.StartsWith("spills (", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ptxas_report_is_read_per_entry_function()
    {
        // ptxas -v output as NVRTC 11.8 prints it (sm_80), with a non-inlined device function between two entries
        const string log = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Function properties for helper
            ptxas         .     16 bytes stack frame, 8 bytes spill stores, 8 bytes spill loads
            ptxas info    : Compiling entry function 'a_kernel' for 'sm_80'
            ptxas info    : Function properties for a_kernel
            ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 10 registers, 1024 bytes smem, 368 bytes cmem[0]
            ptxas info    : Compiling entry function 'b_kernel' for 'sm_80'
            ptxas info    : Function properties for b_kernel
            ptxas         .     24 bytes stack frame, 4 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 255 registers, 368 bytes cmem[0]
            """;
        var module = new KernelSource("m", """
            extern "C" __global__ void __launch_bounds__(128) a_kernel(float* x) { }
            extern "C" __global__ void b_kernel(float* x) { }
            """);
        Assert.Equal(["a_kernel", "b_kernel"], module.Functions);

        var rows = KernelResourceReport.Parse(module, 80, log);

        Assert.Equal(new KernelResources("m", "a_kernel", 80, 10, 0, 0, 0, 1024, 128, 256), rows[0]);
        Assert.Equal(new KernelResources("m", "b_kernel", 80, 255, 24, 4, 12, 0, null, 256), rows[1]);
        // launched with the backend's 256 threads, beyond its declared 128
        Assert.Equal(["launched with 256 threads, beyond its __launch_bounds__(128)"], rows[0].Problems);
        Assert.Equal("spills (4 bytes stored, 12 loaded)", rows[1].Problems[0]);
        // 255 registers round up to 256 per thread; 256 × 256 = 65,536 is exactly the register file: it still fits
        Assert.Single(rows[1].Problems);
        // 200 registers × 512 threads need 102,400 of the SM's 65,536: such a launch fails (CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
        Assert.Equal(["200 registers × 512 threads exceed the SM's 65536 registers: the launch would fail"], new KernelResources("m", "k", 90, 200, 0, 0, 0, 0, null, 512).Problems);

        // a kernel missing from the log, or a ptxas warning, is an error rather than a silently shorter report
        Assert.Throws<CudaException>(() => KernelResourceReport.Parse(module with { Code = module.Code + "\nextern \"C\" __global__ void c_kernel(float* x) { }" }, 80, log));
        Assert.Throws<CudaException>(() => KernelResourceReport.Parse(module, 80, log + "\nptxas warning : Registers are spilled to local memory in function 'b_kernel'"));
    }
}
