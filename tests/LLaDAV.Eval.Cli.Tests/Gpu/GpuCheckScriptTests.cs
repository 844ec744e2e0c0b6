using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Gpu;

/// <summary>
/// scripts/gpu-check.sh on a machine without a GPU (every CI machine): it must start, record the selftest's
/// "no CUDA device" (exit 3), skip the GPU steps with that reason instead of spending its budget, write the summary,
/// and exit 3. The device run itself cannot be tested here; this proves the script is ready for it.
/// </summary>
public sealed class GpuCheckScriptTests
{
    [NoGpuFact]
    public void Without_a_gpu_the_script_reports_no_device_skips_the_gpu_steps_and_exits_3()
    {
        var work = Directory.CreateTempSubdirectory("gpu-check-").FullName;
        try
        {
            // the script runs whatever LLADAV_EVAL names; here the test build's CLI instead of the published bundle
            var tool = Path.Combine(work, "lladav-eval");
            File.WriteAllText(tool, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll")}\" \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var output = Path.Combine(work, "out");
            var start = new ProcessStartInfo("bash", $"{Path.Combine(TestPaths.RepoRoot, "scripts", "gpu-check.sh")}") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["OUT"] = output;
            start.Environment["LLADAV_EVAL"] = tool;
            start.Environment["GPU_CHECK_WORK"] = Path.Combine(work, "scratch");
            start.Environment["GPU_CHECK_STEPS"] = "env,selftest,torch,bench,torch-bench";
            start.Environment["LD_LIBRARY_PATH"] = string.Empty;
            // scripts/test.sh points this at the emulated device; with it the selftest would open CUDA (and run every
            // check on the emulator for minutes) instead of taking the no-GPU path this test is about.
            start.Environment.Remove("LLADAV_CUDA_LIBRARY_PATH");
            using var p = Process.Start(start)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "gpu-check.sh did not finish in 3 minutes");
            Assert.True(p.ExitCode == 3, $"exit {p.ExitCode}\n{stdout}\n{stderr.Result}");

            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!;
            var steps = summary["steps"]!.AsArray().ToDictionary(s => s!["step"]!.GetValue<string>(), s => s!);
            Assert.Equal("no-device", steps["selftest"]["status"]!.GetValue<string>());
            Assert.Equal(3, steps["selftest"]["exit"]!.GetValue<int>());
            foreach (var gpuStep in new[] { "torch", "bench", "torch-bench" })
            {
                Assert.Equal("skipped", steps[gpuStep]["status"]!.GetValue<string>());
                Assert.Contains("no CUDA device", steps[gpuStep]["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            var log = File.ReadAllText(Path.Combine(output, "gpu-check.log"));
            Assert.Contains("no CUDA device:", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>A fact for machines without an NVIDIA driver (the no-GPU path of a GPU script), skipped where one is loaded.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    public NoGpuFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (File.Exists("/proc/driver/nvidia/version"))
        {
            Skip = "an NVIDIA driver is loaded here: the no-GPU path does not apply";
        }
    }
}
