using System.Globalization;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

/// <summary>
/// <c>lladav-eval selftest --device D</c>: (1) compiles every CUDA kernel module with NVRTC (needs only libnvrtc),
/// (2) opens device D through the same factory as <c>--device</c> everywhere else, (3) runs every backend op on random
/// inputs against the CPU backend and prints the max abs/rel error per op with its tolerance, and (4) on a GPU, 2048-token flash attention against the CPU, (5) generates with
/// both tiny reference checkpoints on D and compares the ids with reference.json; (6) on a CUDA device that passed,
/// prints GPU times (CUDA events) of a bf16 GEMM and flash attention at LLaDA-8B shapes, 2k–8k tokens.
/// Exit codes: 0 all passed; 1 a check failed; 3 the device is unavailable (e.g. no CUDA device).
/// </summary>
public static class DeviceSelftest
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int DeviceUnavailable = 3;

    public static int Run(string device, string? modelReference, TextWriter output)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        ArgumentNullException.ThrowIfNull(output);
        var failures = 0;

        output.WriteLine("== NVRTC kernel compile check ==");
        failures += CompileCheck(output);

        output.WriteLine($"== device {device} ==");
        IComputeBackend candidate;
        try
        {
            candidate = ComputeDevices.Create(device);
        }
        catch (CudaUnavailableException e)
        {
            output.WriteLine($"no CUDA device: {e.Message}");
            return DeviceUnavailable;
        }
        catch (NotSupportedException e)
        {
            output.WriteLine(e.Message);
            return DeviceUnavailable;
        }

        using (candidate)
        {
            output.WriteLine(candidate.Description);
            if (candidate is CudaBackend cudaBackend)
            {
                if (cudaBackend.IsEmulated)
                {
                    output.WriteLine("emulated device (tests/cuda-emulator): the kernels run on the CPU; nothing timed here is a GPU timing");
                }

                // Which copies the loader picked (a machine may have a toolkit, the driver's and pip wheels' libraries;
                // the compile check above loads NVIDIA's NVRTC even where the backend's is the emulated device's).
                output.WriteLine("libraries loaded:");
                foreach (var file in Interop.NativeLibraryProbe.MappedFiles(["libcuda", "libcublas", "libnvrtc"]))
                {
                    output.WriteLine("  " + file);
                }

                output.WriteLine($"the backend's NVRTC: {Interop.Nvrtc.Instance.File}");
            }

            output.WriteLine("== ops against the CPU backend (fp32) ==");
            using (var reference = new CpuBackend())
            {
                foreach (var check in BackendComparison.Run(reference, candidate))
                {
                    output.WriteLine(check);
                    failures += check.Passed ? 0 : 1;
                }

                if (candidate is CudaBackend)
                {
                    var longAttention = LongAttentionCheck.Run(reference, candidate);
                    output.WriteLine(longAttention);
                    failures += longAttention.Passed ? 0 : 1;
                }
            }

            output.WriteLine("== reference checkpoints (generation ids vs reference.json) ==");
            var dir = modelReference ?? FindModelReference();
            if (dir is null || !Directory.Exists(dir))
            {
                output.WriteLine(modelReference is null
                    ? "skipped: no testdata/model-reference folder found beside the repository; pass --model-reference DIR"
                    : $"FAIL model reference folder {modelReference} does not exist");
                failures += modelReference is null ? 0 : 1;
            }
            else if (candidate is CudaBackend gpu)
            {
                // The references were generated in fp32: ids must match exactly with fp32 weights on the GPU. With the
                // checkpoint's bf16 weights the GEMM activations are rounded to bf16, so near-ties may flip; that run
                // is reported for information and does not fail the selftest.
                var set = ReferenceGenerationCheck.SetFor(gpu);
                if (set == ReferenceSet.EmulatorSubset)
                {
                    output.WriteLine($"emulated device: the fewest-step tiny-lladav generation and tiny-llama3v greedy with the KV cache (set {ReferenceGenerationCheck.EmulatorSlowVariable}=1 for all)");
                }

                using (var exact = new CudaBackend(gpu.Ordinal, CudaWeightStorage.Fp32))
                {
                    output.WriteLine("weights widened to fp32 (must match):");
                    foreach (var check in ReferenceGenerationCheck.Run(exact, dir))
                    {
                        output.WriteLine(check);
                        failures += check.Passed ? 0 : 1;
                    }
                }

                if (gpu.WeightStorage != CudaWeightStorage.Fp32 && set == ReferenceSet.All)
                {
                    output.WriteLine("weights in the checkpoint's dtype (information only):");
                    foreach (var check in ReferenceGenerationCheck.Run(gpu, dir))
                    {
                        output.WriteLine((check.Passed ? "ok   " : "info ") + check.Name + ": " + check.Detail);
                    }
                }
            }
            else
            {
                foreach (var check in ReferenceGenerationCheck.Run(candidate, dir))
                {
                    output.WriteLine(check);
                    failures += check.Passed ? 0 : 1;
                }
            }

            if (candidate is CudaBackend { IsEmulated: true } && failures == 0)
            {
                output.WriteLine("== GPU timings: skipped on an emulated device (its event times are CPU emulation times, not GPU timings) ==");
            }
            else if (candidate is CudaBackend cuda && failures == 0)
            {
                output.WriteLine("== GPU timings (CUDA events on this device; LLaDA-8B layer shapes) ==");
                Timings(cuda, output);
            }
        }

        output.WriteLine(failures == 0 ? "selftest passed" : string.Create(CultureInfo.InvariantCulture, $"selftest FAILED: {failures} check(s)"));
        return failures == 0 ? Passed : Failed;
    }

    /// <summary>
    /// GPU time of the two hot ops at LLaDA-8B shapes (hidden 4096, 32 heads of 128): a bf16 projection GEMM and
    /// bidirectional flash attention at 2k–8k tokens; the fastest of three runs after a warm-up.
    /// </summary>
    private static void Timings(CudaBackend cuda, TextWriter output)
    {
        const int hidden = 4096, heads = 32, headDim = 128;
        foreach (var tokens in new[] { 2048, 4096, 8192 })
        {
            using var x = cuda.Allocate(new TensorShape(tokens, hidden));
            using var w = cuda.Allocate(new TensorShape(hidden, hidden), DType.BF16);
            using var o = cuda.Allocate(new TensorShape(tokens, hidden));
            var gemm = Fastest(cuda, () => cuda.MatMul(x, w, o));
            var gemmFlops = 2.0 * tokens * hidden * hidden;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MatMul bf16 [{tokens},{hidden}]x[{hidden},{hidden}]ᵀ   {gemm,9:F3} ms  {gemmFlops / gemm / 1e9,8:F1} TFLOP/s"));
            var attention = Fastest(cuda, () => cuda.Attention(x, x, x, o, new AttentionSpec(heads, heads, headDim, Causal: false)));
            var attentionFlops = 4.0 * tokens * tokens * hidden;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Attention {tokens} tokens, {heads}×{headDim}, bidirectional  {attention,9:F3} ms  {attentionFlops / attention / 1e9,8:F1} TFLOP/s"));
        }
    }

    private static double Fastest(CudaBackend cuda, Action action)
    {
        action();
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            best = Math.Min(best, cuda.MeasureMilliseconds(action));
        }

        return best;
    }

    private static int CompileCheck(TextWriter output)
    {
        IReadOnlyList<KernelCompileResult> results;
        Interop.Nvrtc nvrtc;
        try
        {
            nvrtc = KernelCompileCheck.Compiler;
            results = KernelCompileCheck.Run(nvrtc, KernelCompileCheck.Architectures(nvrtc));
        }
        catch (CudaUnavailableException e)
        {
            output.WriteLine($"skipped: {e.Message}");
            return 0;
        }

        output.WriteLine($"NVRTC {nvrtc.Version} ({nvrtc.File})");
        var failures = 0;
        foreach (var r in results)
        {
            var status = r.Clean ? "ok  " : "FAIL";
            var detail = r.Error ?? (r.Log.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"{r.Ptx.Length} bytes of PTX") : "warnings: " + r.Log);
            output.WriteLine($"{status} {r.Module,-12} compute_{r.Arch}  {detail}");
            failures += r.Clean ? 0 : 1;
        }

        return failures;
    }

    /// <summary><c>tests/testdata/model-reference</c> in the folder holding LLaDAV.Eval.sln, searched upwards from the working directory and the binaries.</summary>
    private static string? FindModelReference()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LLaDAV.Eval.sln")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "tests", "testdata", "model-reference"));
                    if (Directory.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }
}
