using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// Compiles every kernel module with NVIDIA's NVRTC for several architectures and fails on any error or warning. Needs
/// only libnvrtc (Debian non-free <c>libnvrtc11.2</c> in CI), no GPU: this is what proves the CUDA sources in CI. Under
/// scripts/test.sh the emulated device's NVRTC is loaded first for the backend; these tests take NVIDIA's
/// (<see cref="Nvrtc.Toolkit"/>), since a g++ build proves nothing about what NVIDIA's compiler accepts.
/// </summary>
public sealed class KernelCompileTests
{
    [ToolkitNvrtcFact]
    public void Every_kernel_module_compiles_without_warnings_for_volta_ampere_and_hopper()
    {
        var nvrtc = KernelCompileCheck.Compiler;
        Assert.False(nvrtc.IsEmulated);
        var results = KernelCompileCheck.Run(nvrtc, KernelCompileCheck.Architectures(nvrtc));
        Assert.NotEmpty(results);
        foreach (var r in results)
        {
            Assert.True(r.Error is null, $"{r.Module} for compute_{r.Arch}: {r.Error}");
            Assert.True(r.Log.Length == 0, $"{r.Module} for compute_{r.Arch} logged warnings:\n{r.Log}");
            foreach (var function in KernelSources.All.Single(m => m.Name == r.Module).Functions)
            {
                Assert.Contains($".entry {function}(", r.Ptx, StringComparison.Ordinal);
            }
        }
    }

    [ToolkitNvrtcFact]
    public void Nvrtc_reports_its_version_and_the_test_architectures_are_supported()
    {
        var nvrtc = KernelCompileCheck.Compiler;
        Assert.True(nvrtc.Version.Major >= 11);
        var supported = nvrtc.SupportedArchitectures();
        var archs = KernelCompileCheck.Architectures(nvrtc);
        Assert.All(archs, a => Assert.Contains(a, supported));
        Assert.Contains(80, archs);
        Assert.Contains(90, archs);

        Assert.Equal(80, KernelCache.TargetArchitecture(nvrtc, 80));
        Assert.InRange(KernelCache.TargetArchitecture(nvrtc, 999), 90, 999);
    }

    [Fact]
    public void Every_kernel_defined_in_a_module_is_one_of_its_entry_points()
    {
        // The entry points are read from the code (KernelSource.Functions); every __global__ the code defines must be
        // found, with or without __launch_bounds__, and the backend's names must be among them. Counted here with a
        // plain text scan, independent of KernelSource's regular expression.
        foreach (var module in KernelSources.All)
        {
            var globals = module.Code.Split("__global__").Length - 1;
            Assert.Equal(globals, module.Functions.Length);
            Assert.Equal(module.Functions.Length, module.Functions.Distinct(StringComparer.Ordinal).Count());
        }

        var all = KernelSources.All.SelectMany(m => m.Functions).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("attention_flash", all); // declared with __launch_bounds__(256)
        Assert.Contains("rms_norm", all);
        Assert.Contains("embedding_gather", all);
        Assert.Equal(21, all.Count); // counted by hand in Kernels/*.cs: elementwise 10, norms 3, selection 4, vision 2, rope 1, attention 1
    }
}
