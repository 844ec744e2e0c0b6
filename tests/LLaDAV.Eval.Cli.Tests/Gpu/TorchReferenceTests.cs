using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Gpu;

/// <summary>
/// scripts/gpu/torch_reference.py (the GPU proof's PyTorch reference, written from the published LLaDA / LLaMA-3
/// architectures) run on the CPU against <c>lladav-eval forward</c> and <c>sample</c> on the CPU backend: a random LLaDA-
/// and a random LLaMA-shaped checkpoint of shapes that no other test uses. Both sides compute in fp32 from the same bf16
/// weights, so logits must agree to float rounding and the generated ids exactly. This is also what proves the device
/// script's comparison step before it ever meets a GPU. Needs PyTorch (Debian: apt-get install python3-torch).
/// </summary>
public sealed class TorchReferenceTests
{
    [TorchTheory]
    [InlineData("llada", "--heads 4", 24)]
    [InlineData("llama", "--heads 8 --kv-heads 2", 20)]
    public void Our_cpu_forward_and_sampler_match_pytorch_on_a_random_checkpoint(string kind, string heads, int gen)
    {
        var work = Directory.CreateTempSubdirectory("torch-ref-").FullName;
        try
        {
            var model = Path.Combine(work, kind);
            Python($"make --kind {kind} --layers 3 --hidden 192 {heads} --ffn 512 --vocab 777 --tokens 48 --seed 5 --device cpu --out {model}");
            var tool = $"dotnet {Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll")}";
            var report = Path.Combine(work, "report.json");
            Python($"check --model {model} --tool \"{tool}\" --device cpu --tool-device cpu --prompt 40 --gen {gen} --work {work} --out {report}");

            var r = JsonNode.Parse(File.ReadAllText(report))!;
            var logits = r["logits_vs_torch_fp32"]!;
            // fp32 on both sides over 3 layers: differences are accumulated rounding, far below 1e-4 of the logit scale
            Assert.True(logits["max_rel_error"]!.GetValue<double>() < 1e-4, logits.ToJsonString());
            Assert.Equal(1.0, logits["argmax_agreement"]!.GetValue<double>());
            var generation = r["generation"]!;
            Assert.Equal(gen, generation["our_ids"]!.AsArray().Count);
            Assert.Equal(generation["torch_ids"]!.ToJsonString(), generation["our_ids"]!.ToJsonString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Python(string arguments)
    {
        var script = Path.Combine(TestPaths.RepoRoot, "scripts", "gpu", "torch_reference.py");
        var start = new ProcessStartInfo(TorchTheoryAttribute.Python!, $"{script} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"torch_reference.py {arguments} did not finish in 4 minutes");
        }

        Assert.True(p.ExitCode == 0, $"torch_reference.py {arguments} exited {p.ExitCode}:\n{stdout}\n{stderr.Result}");
    }
}

/// <summary>A theory that runs only where a Python with PyTorch and numpy is installed, skipped with the reason elsewhere.</summary>
public sealed class TorchTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> s_python = new(Find);

    public TorchTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (s_python.Value is null)
        {
            Skip = "PyTorch is not installed for /usr/bin/python3 (Debian: apt-get install python3-torch python3-numpy)";
        }
    }

    public static string? Python => s_python.Value;

    private static string? Find()
    {
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(python, "-c \"import torch, numpy\"") { RedirectStandardError = true, RedirectStandardOutput = true })!;
                if (p.WaitForExit(60_000) && p.ExitCode == 0)
                {
                    return python;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // no such interpreter
            }
        }

        return null;
    }
}
