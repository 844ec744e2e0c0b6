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

    private static string[] Args(string output, string model, string id) =>
    [
        "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id,
        "--model", model, "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "2",
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

        Assert.Equal(0, (await Cli.RunAsync(Args(_out, model, "b"))).Code);
        Assert.Equal(
            File.ReadAllText(Path.Combine(_out, model, "a", "samples_mmstar.jsonl")),
            File.ReadAllText(Path.Combine(_out, model, "b", "samples_mmstar.jsonl")));
    }

    [Fact]
    public async Task Should_render_the_prompt_a_backend_sees()
    {
        var (code, output, error) = await Cli.RunAsync("render", "--model", "lladav", "--task", "mmstar", "--doc", "0", "--tasks-dir", Cli.Tasks, "--json");
        Assert.True(code == 0, output + error);
        var node = JsonNode.Parse(output)!;
        Assert.Equal(1, (int)node["visuals"]!);
        Assert.Contains(-200, node["ids"]!.AsArray().Select(i => (int)i!));

        // lmms-eval's MMStar post_prompt, then the LLaDA-V think-mode suffix (LLADAV-MODEL.md §5.1).
        Assert.Contains("Answer with the option's letter from the given choices directly /no_think", (string)node["prompt"]!, StringComparison.Ordinal);
    }
}
