using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Selftest;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary><c>selftest</c>'s logic: the CUDA run (a clear "no CUDA device" exit without a GPU) and the whole path on a CPU device.</summary>
public sealed class DeviceSelftestTests
{
    [Fact]
    public void Selftest_on_cuda_reports_the_compile_check_and_exits_3_without_a_gpu_or_0_with_one()
    {
        using var output = new StringWriter();
        var code = DeviceSelftest.Run("cuda", TestPaths.InTestData("model-reference"), output);
        var text = output.ToString();
        Assert.Contains("== NVRTC kernel compile check ==", text, StringComparison.Ordinal);
        if (CudaBackend.Probe() is null)
        {
            Assert.True(code == DeviceSelftest.Passed, text);
            Assert.Contains("selftest passed", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(DeviceSelftest.DeviceUnavailable, code);
            Assert.Contains("no CUDA device: ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Selftest_runs_every_op_and_both_reference_checkpoints_on_a_cpu_device()
    {
        using var output = new StringWriter();
        var code = DeviceSelftest.Run("cpu-managed", TestPaths.InTestData("model-reference"), output);
        var text = output.ToString();
        Assert.True(code == DeviceSelftest.Passed, text);
        Assert.Contains("ok   Attention causal MQA", text, StringComparison.Ordinal);
        Assert.Contains("ok   tiny-llama3v greedy with KV cache", text, StringComparison.Ordinal);
        Assert.Contains("tol ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_reference_folder_that_was_asked_for_fails_the_selftest()
    {
        using var output = new StringWriter();
        Assert.Equal(DeviceSelftest.Failed, DeviceSelftest.Run("cpu-managed", "/nonexistent/model-reference", output));
    }
}
