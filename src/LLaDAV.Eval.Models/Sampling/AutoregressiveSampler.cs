using System.Collections.Immutable;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>LLaMA3-V decoding settings (§9: greedy, <c>max_new_tokens</c> from the task, stop at <c>&lt;|eot_id|&gt;</c>).</summary>
public sealed record AutoregressiveOptions(int MaxNewTokens, double Temperature, ImmutableArray<int> StopIds, bool UseCache);

/// <summary>Generated ids (including the stop id when one was produced, as HF generate returns them) and forward passes.</summary>
public sealed record AutoregressiveResult(ImmutableArray<int> Ids, int ForwardPasses, bool Stopped);

/// <summary>
/// Causal decoding for the LLaMA3-V baseline: greedy (T = 0) or sampling from softmax(logits / T). With a KV cache the
/// prompt is prefilled once and each step feeds one token; without, every step recomputes the whole sequence (the
/// oracle's way), and both must give the same ids.
/// </summary>
public static class AutoregressiveSampler
{
    public static AutoregressiveResult Generate(LanguageModel model, Tensor promptEmbeds, AutoregressiveOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptEmbeds);
        ArgumentNullException.ThrowIfNull(options);
        var backend = model.Backend;
        var p = promptEmbeds.RowCount;
        var capacity = p + options.MaxNewTokens;
        var vocab = model.Config.VocabSize;
        var rng = new SplitMix64(seed);
        using var x = backend.Allocate(new TensorShape(capacity, model.Config.HiddenSize));
        backend.Copy(promptEmbeds, x.Rows(0, p));
        using var cache = options.UseCache ? model.CreateCache(capacity) : null;
        using var logits = backend.Allocate(new TensorShape(1, vocab));
        using var id = backend.Allocate(new TensorShape(1), DType.I32);
        var host = new float[vocab];
        var ids = ImmutableArray.CreateBuilder<int>();
        var forwards = 0;
        var length = p;
        var fed = 0;
        while (ids.Count < options.MaxNewTokens)
        {
            if (cache is null)
            {
                model.Forward(x.Rows(0, length), ForwardWindow.Full, length - 1, logits);
            }
            else
            {
                // prefill once, then one new position per step attending to the cache
                var n = length - fed;
                model.Forward(x.Rows(fed, n), new ForwardWindow(fed, cache), n - 1, logits);
                fed = length;
            }

            forwards++;
            backend.Download(logits, host);
            var next = options.Temperature > 0 ? Sample(host, options.Temperature, rng) : Tensors.Cpu.CpuBackend.ArgMaxOf(host);
            ids.Add(next);
            if (options.StopIds.Contains(next))
            {
                return new AutoregressiveResult(ids.ToImmutable(), forwards, true);
            }

            backend.Write(id, [next]);
            model.Embed(id, x.Rows(length, 1));
            length++;
        }

        return new AutoregressiveResult(ids.ToImmutable(), forwards, false);
    }

    private static int Sample(float[] logits, double temperature, SplitMix64 rng)
    {
        double max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        foreach (var l in logits)
        {
            sum += Math.Exp((l - max) / temperature);
        }

        var u = rng.NextDouble() * sum;
        for (var v = 0; v < logits.Length; v++)
        {
            u -= Math.Exp((logits[v] - max) / temperature);
            if (u <= 0)
            {
                return v;
            }
        }

        return logits.Length - 1;
    }
}
