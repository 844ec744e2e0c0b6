using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Gpu;

/// <summary>
/// <c>forward --logits-out</c> (what the GPU proof compares with PyTorch) and <c>sample</c>, against tiny-lladav's
/// reference.json, written by an independent PyTorch fp32 implementation.
/// </summary>
public sealed class ForwardLogitsTests
{
    [Fact]
    public async Task Logits_out_writes_every_logit_as_float32_rows_equal_to_the_pytorch_reference()
    {
        var model = TestPaths.InTestData("model-reference", "tiny-lladav");
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "reference.json")))!["text_forward"]!;
        var ids = reference["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        var work = Directory.CreateTempSubdirectory("logits-").FullName;
        try
        {
            var idsFile = Path.Combine(work, "ids.txt");
            await File.WriteAllTextAsync(idsFile, string.Join(" ", ids), TestContext.Current.CancellationToken);
            var output = Path.Combine(work, "logits.f32");
            var (code, stdout, stderr) = await Cli.RunAsync("forward", "--model-path", model, "--ids-file", idsFile, "--logits-out", output);
            Assert.True(code == 0, stdout + stderr);

            var shape = reference["logits_shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            var bytes = await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken);
            Assert.Equal(shape[0] * shape[1] * sizeof(float), bytes.Length);
            var logits = new float[shape[0] * shape[1]];
            Buffer.BlockCopy(bytes, 0, logits, 0, bytes.Length);
            var first = reference["logits_row0_first_8"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            var last = reference["logits_last_row_first_8"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            for (var i = 0; i < 8; i++)
            {
                Assert.Equal(first[i], logits[i], 1e-4);
                Assert.Equal(last[i], logits[((shape[0] - 1) * shape[1]) + i], 1e-4);
            }

            Assert.Equal(reference["logits_sum"]!.GetValue<double>(), logits.Sum(v => (double)v), 0.05);
            Assert.Equal(reference["logits_abs_sum"]!.GetValue<double>(), logits.Sum(v => Math.Abs((double)v)), 0.05);
            var argmax = Enumerable.Range(0, shape[0]).Select(p => Array.IndexOf(logits, logits.AsSpan(p * shape[1], shape[1]).ToArray().Max(), p * shape[1]) - (p * shape[1]));
            Assert.Equal(reference["argmax"]!.AsArray().Select(n => n!.GetValue<int>()), argmax);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Ids_outside_the_vocabulary_or_not_ids_are_one_usage_error()
    {
        var model = TestPaths.InTestData("model-reference", "tiny-lladav");
        var (code, _, error) = await Cli.RunAsync("forward", "--model-path", model, "--ids", "1,2,448");
        Assert.Equal(2, code);
        Assert.Contains("token id 448 (position 2) is outside the checkpoint's vocabulary of 448", error, StringComparison.Ordinal);

        (code, _, error) = await Cli.RunAsync("sample", "--model-path", model, "--ids", "1,x", "--gen-length", "4");
        Assert.Equal(2, code);
        Assert.Contains("--ids: 'x' is not a token id", error, StringComparison.Ordinal);

        (code, _, error) = await Cli.RunAsync("sample", "--model-path", model, "--ids", "1,2", "--ids-file", "f", "--gen-length", "4");
        Assert.Equal(2, code);
        Assert.Contains("exactly one of --ids", error, StringComparison.Ordinal);
    }
}
