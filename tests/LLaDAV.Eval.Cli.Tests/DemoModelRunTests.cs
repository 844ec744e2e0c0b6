using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// The real lladav and llama3v backends end to end on the demo checkpoints (random weights): the pipeline runs the
/// diffusion / autoregressive samplers, records token usage, and is deterministic for a seed.
/// </summary>
public sealed class DemoModelRunTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-demo-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string[] Args(string output, string model, string id, int limit = 2) =>
    [
        "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id,
        "--model", model, "--model-args", "path=demo", "--tasks", "mmstar", "--limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    [Theory]
    [InlineData("lladav")]
    [InlineData("llama3v")]
    public async Task Should_run_the_real_backend_and_repeat_itself_exactly(string model)
    {
        var (code, output, error) = await Cli.RunAsync(Args(_out, model, "a"));
        Assert.True(code == 0, output + error);
        Assert.Contains("RANDOM weights", output, StringComparison.Ordinal);
        var timing = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, model, "a", "timing.json")))!["mmstar"]!;
        Assert.Equal(2, (int)timing["samples"]!);
        Assert.True((long)timing["generated_tokens"]! > 0);
        Assert.True((long)timing["forward_passes"]! > 0);
        Assert.True((long)timing["visual_tokens"]! > 0);

        // the device is named in the console, the manifest and timing.json, and a CPU is not an emulated device
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, model, "a", "manifest.json")))!["machine"]!;
        Assert.StartsWith("cpu", (string)manifest["device"]!, StringComparison.Ordinal);
        Assert.False((bool)manifest["emulated_device"]!);
        Assert.Equal((string)manifest["device"]!, (string)timing["device"]!);
        Assert.False((bool)timing["emulated_device"]!);
        Assert.Contains($"Device: {(string)manifest["device"]!}\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        Assert.Equal(0, (await Cli.RunAsync(Args(_out, model, "b"))).Code);
        Assert.Equal(
            File.ReadAllText(Path.Combine(_out, model, "a", "samples_mmstar.jsonl")),
            File.ReadAllText(Path.Combine(_out, model, "b", "samples_mmstar.jsonl")));
    }

    [Theory]
    [InlineData("lladav")]
    [InlineData("llama3v")]
    public async Task Should_give_the_same_samples_when_documents_share_forward_passes(string model)
    {
        // --batch-size 3 puts three MMStar documents into each forward pass of the real backend.
        var (code, output, error) = await Cli.RunAsync(Args(_out, model, "b1", 4));
        Assert.True(code == 0, output + error);
        (code, output, error) = await Cli.RunAsync([.. Args(_out, model, "b3", 4), "--batch-size", "3"]);
        Assert.True(code == 0, output + error);
        Assert.Equal(
            File.ReadAllText(Path.Combine(_out, model, "b1", "samples_mmstar.jsonl")),
            File.ReadAllText(Path.Combine(_out, model, "b3", "samples_mmstar.jsonl")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_out, model, "b3", "samples_mmstar.jsonl")).Length);
    }

    [Fact]
    public async Task Should_render_the_prompt_a_backend_sees()
    {
        var (code, output, error) = await Cli.RunAsync("render", "--model", "lladav", "--task", "mmstar", "--doc", "0", "--tasks-dir", Cli.Tasks, "--json");
        Assert.True(code == 0, output + error);
        var node = JsonNode.Parse(output)!;
        Assert.Equal(1, (int)node["visuals"]!);
        Assert.Contains(-200, node["ids"]!.AsArray().Select(i => (int)i!));

        // lmms-eval's MMStar post_prompt, then the LLaDA-V think-mode suffix (docs/LLADAV-MODEL.md §5.1).
        Assert.Contains("Answer with the option's letter from the given choices directly /no_think", (string)node["prompt"]!, StringComparison.Ordinal);
    }
}
