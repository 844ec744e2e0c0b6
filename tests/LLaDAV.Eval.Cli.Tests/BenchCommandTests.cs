namespace LLaDAV.Eval.Cli.Tests;

/// <summary><c>bench</c> end to end on a tiny random model: every section is measured and the batched rows really batch.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Should_measure_every_section_including_roofline_and_batched_rows()
    {
        var (code, output, error) = await Cli.RunAsync(
            "bench", "--hidden", "64", "--layers", "1", "--heads", "2", "--ffn", "128", "--vocab", "256", "--prompt", "32", "--gen", "8",
            "--refresh", "2,8", "--batch", "1,3", "--repeats", "1", "--gemm-size", "64");
        Assert.True(code == 0, output + error);
        Assert.Contains("large square GEMM (64³, weights F32)", output, StringComparison.Ordinal);
        Assert.Contains("(d) memory roofline: device copy", output, StringComparison.Ordinal);
        Assert.Contains("prefix-cache window step (8 rows against a 40-position cache)", output, StringComparison.Ordinal);

        // one block with steps = gen_length = 8: each of the 3 documents takes 8 forwards, so the batch row counts 24
        var batchRow = output.Split('\n').Single(l => l.TrimStart().StartsWith("batch 3, prefix r=2", StringComparison.Ordinal));
        Assert.EndsWith(" 24", batchRow.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_preset_by_name()
    {
        var (code, _, error) = await Cli.RunAsync("bench", "--preset", "llada-70b");
        Assert.Equal(2, code);
        Assert.Contains("--preset llada-70b is not known; the presets are: llada-8b.", error, StringComparison.Ordinal);
    }
}
