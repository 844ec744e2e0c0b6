using System.Text.Json;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary><c>--dtype</c> on the diagnostic verbs and <c>--model-args dtype=</c> on runs.</summary>
public sealed class DTypeOptionTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-dtype-").FullName;

    private static string TinyLladav => LLaDAV.Eval.Testing.TestPaths.InTestData("model-reference", "tiny-lladav");

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task An_unknown_dtype_is_a_usage_error_naming_the_choices()
    {
        var (code, _, error) = await Cli.RunAsync("forward", "--model-path", TinyLladav, "--ids", "1,2", "--dtype", "fp16");
        Assert.Equal(2, code);
        Assert.Contains("--dtype fp16 is not known; use fp32 or bf16", error, StringComparison.Ordinal);
        var (runCode, _, runError) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "dtype",
            "--model", "lladav", "--model-args", $"path={TinyLladav},dtype=fp16", "--tasks", "mmstar", "--limit", "1");
        Assert.Equal(2, runCode);
        Assert.Contains("--model-args dtype=fp16 is not supported by --model lladav: accepted fp32 or bf16", runError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", runError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_in_bf16_gives_the_reference_argmax_or_says_why_it_cannot_run()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TinyLladav, "reference.json")));
        var text = doc.RootElement.GetProperty("text_forward");
        var ids = string.Join(',', text.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        var (code, output, error) = await Cli.RunAsync("forward", "--model-path", TinyLladav, "--ids", ids, "--dtype", "bf16", "--json");
        if (CpuBackend.Bf16UnavailableReason is { } why)
        {
            Assert.Equal(2, code);
            Assert.Contains(why, error, StringComparison.Ordinal);
            return;
        }

        Assert.True(code == 0, error);
        using var result = JsonDocument.Parse(output);
        Assert.Equal(
            text.GetProperty("argmax").EnumerateArray().Select(e => e.GetInt32()),
            result.RootElement.GetProperty("argmax").EnumerateArray().Select(e => e.GetInt32()));
    }
}

/// <summary><c>bench --peer</c>'s usage errors come before any model is built.</summary>
public sealed class BenchPeerOptionTests
{
    [Fact]
    public async Task Peer_only_without_a_peer_and_a_missing_peer_are_usage_errors_naming_the_build_script()
    {
        var (code, _, error) = await Cli.RunAsync("bench", "--peer-only");
        Assert.Equal(2, code);
        Assert.Contains("--peer-only needs --peer", error, StringComparison.Ordinal);
        var missing = Path.Combine(Path.GetTempPath(), "no-such-peer-" + Guid.NewGuid().ToString("N"));
        var (code2, _, error2) = await Cli.RunAsync("bench", "--peer", missing, "--peer-only");
        Assert.Equal(2, code2);
        Assert.Contains("bench/torch-peer/build.sh", error2, StringComparison.Ordinal);
    }
}
