using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Models.Tests.Language;

/// <summary>Text-only logits of tiny-lladav against the independent PyTorch reference (reference.json text_forward).</summary>
public sealed class TextLogitsOracleTests
{
    [Fact]
    public void Lladav_text_forward_matches_the_reference_logits()
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.LladaV).GetProperty("text_forward");
        var ids = ReferenceFiles.Ints(reference.GetProperty("ids"));
        using var backend = new CpuBackend();
        using var checkpoint = Checkpoint.Open(ReferenceFiles.LladaV);
        using var model = LanguageModel.Load(checkpoint, backend);
        Assert.False(model.Causal);
        var logits = model.ForwardIds(ids);
        var vocab = model.Config.VocabSize;
        Assert.Equal(ReferenceFiles.Ints(reference.GetProperty("logits_shape")), new[] { ids.Length, vocab });

        var row0 = ReferenceFiles.Doubles(reference.GetProperty("logits_row0_first_8"));
        var last = ReferenceFiles.Doubles(reference.GetProperty("logits_last_row_first_8"));
        for (var i = 0; i < 8; i++)
        {
            AssertClose(row0[i], logits[i]);
            AssertClose(last[i], logits[((ids.Length - 1) * vocab) + i]);
        }

        var argmax = Enumerable.Range(0, ids.Length).Select(r => CpuBackend.ArgMaxOf(logits.AsSpan(r * vocab, vocab))).ToArray();
        Assert.Equal(ReferenceFiles.Ints(reference.GetProperty("argmax")), argmax);
        var abs = logits.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(abs - reference.GetProperty("logits_abs_sum").GetDouble()) <= 1e-4 * abs, $"abs sum {abs}");
        // The plain sum cancels (≈ −10 of 17,000 absolute): compare it on the absolute sum's scale.
        var sum = logits.Sum(v => (double)v);
        Assert.True(Math.Abs(sum - reference.GetProperty("logits_sum").GetDouble()) <= 1e-5 * abs, $"sum {sum}");
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
