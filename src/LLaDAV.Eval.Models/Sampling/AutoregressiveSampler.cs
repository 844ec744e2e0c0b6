using System.Collections.Immutable;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>LLaMA3-V decoding settings (§9: greedy, <c>max_new_tokens</c> from the task, stop at <c>&lt;|eot_id|&gt;</c>).</summary>
public sealed record AutoregressiveOptions(int MaxNewTokens, double Temperature, ImmutableArray<int> StopIds, bool UseCache);

/// <summary>Generated ids (including the stop id when one was produced, as HF generate returns them) and forward passes.</summary>
public sealed record AutoregressiveResult(ImmutableArray<int> Ids, int ForwardPasses, bool Stopped);

/// <summary>One prompt to continue: its embeddings <c>[P, hidden]</c>, options and per-document seed.</summary>
public sealed record AutoregressiveJob(Tensor PromptEmbeds, AutoregressiveOptions Options, ulong Seed);

/// <summary>
/// Causal decoding for the LLaMA3-V baseline: greedy (T = 0) or sampling from softmax(logits / T). With a KV cache the
/// prompt is prefilled once and each step feeds one token; without, every step recomputes the whole sequence (the
/// oracle's way), and both must give the same ids. Several prompts decode in lockstep, one batched forward per
/// step (each with its own cache and positions); a finished sequence drops out of the batch.
/// </summary>
public static class AutoregressiveSampler
{
    public static AutoregressiveResult Generate(LanguageModel model, Tensor promptEmbeds, AutoregressiveOptions options, ulong seed) =>
        GenerateBatch(model, [new AutoregressiveJob(promptEmbeds, options, seed)])[0];

    /// <summary>
    /// The prompts decoded in lockstep. <paramref name="cancellationToken"/> is checked before every forward (a
    /// signalled run stops within one token, not after the whole answer); a cancelled batch returns nothing.
    /// </summary>
    public static ImmutableArray<AutoregressiveResult> GenerateBatch(LanguageModel model, IReadOnlyList<AutoregressiveJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(jobs);
        var sequences = new List<Sequence>(jobs.Count);
        try
        {
            foreach (var job in jobs)
            {
                ArgumentNullException.ThrowIfNull(job.PromptEmbeds);
                ArgumentNullException.ThrowIfNull(job.Options);
                sequences.Add(new Sequence(model, job));
            }

            var running = sequences.Where(s => !s.Done).ToList();
            while (running.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                model.Forward([.. running.Select(s => s.NextSegment())]);
                foreach (var s in running)
                {
                    s.Advance();
                }

                running.RemoveAll(s => s.Done);
            }

            return [.. sequences.Select(s => s.Result())];
        }
        finally
        {
            foreach (var s in sequences)
            {
                s.Dispose();
            }
        }
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

    /// <summary>One prompt's decoding state: its sequence of embeddings, cache, rng and the ids so far.</summary>
    private sealed class Sequence : IDisposable
    {
        private readonly LanguageModel _model;
        private readonly AutoregressiveOptions _options;
        private readonly SplitMix64 _rng;
        private readonly Tensor _x;
        private readonly KvCache? _cache;
        private readonly Tensor _logits;
        private readonly Tensor _id;
        private readonly float[] _host;
        private readonly ImmutableArray<int>.Builder _ids = ImmutableArray.CreateBuilder<int>();
        private int _forwards;
        private int _length;
        private int _fed;
        private bool _stopped;

        public Sequence(LanguageModel model, AutoregressiveJob job)
        {
            _model = model;
            _options = job.Options;
            _rng = new SplitMix64(job.Seed);
            var backend = model.Backend;
            var p = job.PromptEmbeds.RowCount;
            var capacity = p + _options.MaxNewTokens;
            _x = backend.Allocate(new TensorShape(capacity, model.Config.HiddenSize));
            backend.Copy(job.PromptEmbeds, _x.Rows(0, p));
            _cache = _options.UseCache ? model.CreateCache(capacity) : null;
            _logits = backend.Allocate(new TensorShape(1, model.Config.VocabSize));
            _id = backend.Allocate(new TensorShape(1), DType.I32);
            _host = new float[model.Config.VocabSize];
            _length = p;
        }

        public bool Done => _stopped || _ids.Count >= _options.MaxNewTokens;

        /// <summary>Without a cache the whole sequence; with one, the prompt once (prefill) and then the newest position.</summary>
        public ForwardSegment NextSegment()
        {
            if (_cache is null)
            {
                return new ForwardSegment(_x.Rows(0, _length), ForwardWindow.Full, _length - 1, _logits);
            }

            var n = _length - _fed;
            return new ForwardSegment(_x.Rows(_fed, n), new ForwardWindow(_fed, _cache), n - 1, _logits);
        }

        /// <summary>Picks the next id from the logits of the forward just run and appends its embedding.</summary>
        public void Advance()
        {
            _forwards++;
            _fed = _length;
            var backend = _model.Backend;
            backend.Download(_logits, _host);
            var next = _options.Temperature > 0 ? Sample(_host, _options.Temperature, _rng) : Tensors.Cpu.CpuBackend.ArgMaxOf(_host);
            _ids.Add(next);
            if (_options.StopIds.Contains(next))
            {
                _stopped = true;
                return;
            }

            if (_ids.Count < _options.MaxNewTokens)
            {
                backend.Write(_id, [next]);
                _model.Embed(_id, _x.Rows(_length, 1));
                _length++;
            }
        }

        public AutoregressiveResult Result() => new(_ids.ToImmutable(), _forwards, _stopped);

        public void Dispose()
        {
            _x.Dispose();
            _cache?.Dispose();
            _logits.Dispose();
            _id.Dispose();
        }
    }
}
