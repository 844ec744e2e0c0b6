using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Tests.Scaling;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Gpu;

/// <summary>
/// Issue 27 §2: whole runs on the CUDA backend — on the emulated device in CI (scripts/test.sh: two emulated devices),
/// on a GPU where one is lent. <c>run --device cuda</c> of the demo model against the CPU run and how its output names
/// the device, and <c>launch --gpus 0,1</c> against the one-process run (worker processes: the scale-out collection).
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class CudaDeviceRunTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-cudarun-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    /// <summary>The demo checkpoint on two MMStar docs (2-token answers): one doc per worker under launch --gpus 0,1.</summary>
    private string[] Demo(string id, params string[] extra) =>
    [
        "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", id, "--model", "lladav",
        "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "2", .. extra,
    ];

    private string Run(string id) => Path.Combine(_out, "lladav", id);

    [CudaDeviceFact(Devices = 2)]
    public async Task Demo_model_on_cuda_gives_the_cpu_samples_and_launch_on_two_devices_the_same_bytes()
    {
        var (code, o, e) = await Cli.RunAsync(["run", .. Demo("cpu", "--device", "cpu")]);
        Assert.True(code == 0, o + e);
        (code, o, e) = await Cli.RunAsync(["run", .. Demo("cuda", "--device", "cuda")]);
        Assert.True(code == 0, o + e);

        // What must hold whatever the numerics: the same docs, prompts, media and token counts (all decided before a
        // logit is computed). The CUDA run computes differently from the CPU run: its GEMMs take the activations rounded
        // to bf16 (the checkpoint's dtype; the CPU default is fp32) and cuBLAS sums in another order, so logits differ
        // in low bits, and a generated id may differ where two logits are that close. The demo's random weights leave
        // no such tie on these docs: the samples are equal byte for byte (results.json differs only in config.device).
        // If a backend change breaks this, compare logits with `forward --logits-out` before suspecting a tie.
        var cpu = File.ReadAllLines(Path.Combine(Run("cpu"), "samples_mmstar.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var cuda = File.ReadAllLines(Path.Combine(Run("cuda"), "samples_mmstar.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2, cuda.Count);
        foreach (var key in new[] { "doc_id", "doc_hash", "input", "input_media", "target" })
        {
            Assert.Equal(cpu.Select(r => r[key]!.ToJsonString()), cuda.Select(r => r[key]!.ToJsonString()));
        }

        Assert.Equal(cpu.Select(r => (long)r["token_counts"]!["prompt_tokens"]!), cuda.Select(r => (long)r["token_counts"]!["prompt_tokens"]!));
        Assert.Equal(cpu.Select(r => (long)r["token_counts"]!["visual_tokens"]!), cuda.Select(r => (long)r["token_counts"]!["visual_tokens"]!));
        Assert.Equal(File.ReadAllText(Path.Combine(Run("cpu"), "samples_mmstar.jsonl")), File.ReadAllText(Path.Combine(Run("cuda"), "samples_mmstar.jsonl")));

        // The device is named in the console, the manifest and timing.json; an emulated one says so.
        var (_, emulated) = Models.Tensors.Cuda.CudaBackend.Devices();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Run("cuda"), "manifest.json")))!;
        var timing = JsonNode.Parse(File.ReadAllText(Path.Combine(Run("cuda"), "timing.json")))!["mmstar"]!;
        Assert.StartsWith("cuda:0 ", (string)manifest["machine"]!["device"]!, StringComparison.Ordinal);
        Assert.Equal(emulated, (bool)manifest["machine"]!["emulated_device"]!);
        Assert.Equal((string)manifest["machine"]!["device"]!, (string)timing["device"]!);
        Assert.Equal(emulated, (bool)timing["emulated_device"]!);
        Assert.Contains("Device: cuda:0 ", o, StringComparison.Ordinal);
        Assert.False((bool)JsonNode.Parse(File.ReadAllText(Path.Combine(Run("cpu"), "manifest.json")))!["machine"]!["emulated_device"]!);
        if (emulated)
        {
            Assert.Contains("emulated device 0 (CPU, LLaDAV CUDA emulator)", (string)manifest["machine"]!["device"]!, StringComparison.Ordinal);
            Assert.Contains("an emulated device: kernels run on the CPU, and its times are CPU emulation times, not GPU timings", o, StringComparison.Ordinal);
            Assert.Contains("tok/s; emulated device: CPU emulation time, not a GPU timing)", o, StringComparison.Ordinal);
            Assert.Contains("an **emulated device** (tests/cuda-emulator), so these are CPU emulation times, not GPU timings", File.ReadAllText(Path.Combine(Run("cuda"), "report.md")), StringComparison.Ordinal);
        }

        // launch --gpus 0,1: one worker per device (CUDA_VISIBLE_DEVICES), one doc each; merged, the same bytes as the
        // one-process run.
        (code, o, e) = await Cli.RunAsync(["launch", "--gpus", "0,1", "--progress-every", "1", .. Demo("launched")]);
        Assert.True(code == 0, o + e);
        ScaleRuns.AssertSameResults(Run("cuda"), Run("launched"));
        var shards = Directory.GetDirectories(Path.Combine(Run("launched"), "shards")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, shards.Count);
        var devices = shards.Select(s => (string)JsonNode.Parse(File.ReadAllText(Path.Combine(s, "manifest.json")))!["machine"]!["device"]!).ToList();
        Assert.All(devices, d => Assert.StartsWith("cuda:0 ", d, StringComparison.Ordinal)); // each worker sees only its device
        Assert.Equal(2, devices.Distinct(StringComparer.Ordinal).Count());
        if (emulated)
        {
            // CUDA_VISIBLE_DEVICES=1 makes emulated device 1 the worker's cuda:0, as the NVIDIA driver does
            Assert.Equal(["emulated device 0", "emulated device 1"], devices.Select(d => d.Contains("emulated device 1", StringComparison.Ordinal) ? "emulated device 1" : d.Contains("emulated device 0", StringComparison.Ordinal) ? "emulated device 0" : d).Order(StringComparer.Ordinal));
        }
    }
}

/// <summary>
/// <c>generate --device cuda</c> of the tiny reference checkpoint against the PyTorch trace's ids, and how doctor and
/// bench treat the emulated device (single processes: not in the scale-out collection).
/// </summary>
public sealed class CudaCliTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-cudacli-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [CudaDeviceFact]
    public async Task Generate_on_cuda_gives_the_ids_of_the_pytorch_trace_for_the_tiny_reference_checkpoint()
    {
        // The fewest-step generation of tests/testdata/model-reference/tiny-lladav/reference.json (independent PyTorch
        // fp32 implementation): gen_length 12, 6 steps, blocks of 4 — through the CLI (chat template, tokenizer, image
        // preprocessing, vision tower, sampler), which the engine-level ReferenceGenerationCheck does not go through.
        var dir = TestPaths.InTestData("model-reference");
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tiny-lladav", "reference.json")))!;
        var generation = reference["generation"]!.AsArray().Single(g => (int)g!["gen_kwargs"]!["steps"]! == 6)!;
        var expected = generation["generated_ids"]!.AsArray().Select(i => (int)i!).ToList();
        var promptIds = reference["prompt_ids_with_image_placeholder"]!.AsArray().Select(i => (int)i!).ToList();

        var (code, o, e) = await Cli.RunAsync(
            "generate", "--model", "lladav", "--model-path", Path.Combine(dir, "tiny-lladav"), "--image", Path.Combine(dir, "image.png"),
            "--prompt", "What is shown in the image?\nAnswer with the option's letter from the given choices directly.",
            "--gen-kwargs", "gen_length=12,steps=6,block_length=4", "--device", "cuda", "--json");
        Assert.True(code == 0, o + e);
        var result = JsonNode.Parse(o)!;
        Assert.Equal(promptIds.Select(i => i == (int)reference["image_placeholder_id"]! ? -200 : i), result["prompt_ids"]!.AsArray().Select(i => (int)i!));
        Assert.Equal(expected, result["generated_ids"]!.AsArray().Select(i => (int)i!));
    }

    [CudaDeviceFact(EmulatedOnly = true)]
    public async Task Doctor_and_bench_name_the_emulated_device_and_bench_reports_no_timing_from_it()
    {
        var (code, o, e) = await Cli.RunAsync("doctor", "--json");
        var libcuda = JsonNode.Parse(o)!["dependencies"]!.AsArray().Single(d => (string)d!["name"]! == "libcuda")!;
        Assert.True((bool)libcuda["emulated_device"]!, o + e);
        (_, o, _) = await Cli.RunAsync("doctor");
        Assert.Contains("emulated device (tests/cuda-emulator): runs the kernels on the CPU, not a GPU", o, StringComparison.Ordinal);
        Assert.True(code is 0 or 3, o);

        var json = Path.Combine(_out, "bench.json");
        (code, o, e) = await Cli.RunAsync("bench", "--device", "cuda", "--hidden", "64", "--layers", "1", "--json", json);
        Assert.Equal(3, code);
        Assert.Contains("bench refuses cuda: it is cuda:0 emulated device 0 (CPU, LLaDAV CUDA emulator)", e, StringComparison.Ordinal);
        Assert.Contains("CPU emulation times, not GPU timings", e, StringComparison.Ordinal);
        Assert.Equal(string.Empty, o);
        Assert.False(File.Exists(json));
    }
}
