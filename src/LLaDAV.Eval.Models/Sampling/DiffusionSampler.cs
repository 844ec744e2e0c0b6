using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>
/// LLaDA-V's masked-diffusion sampler, <c>generate_with_embeds</c> (docs/LLADAV-MODEL.md §6.2), with LLaDA's
/// temperature/Gumbel noise, random remasking and CFG (§6.1, LLaDA generate.py) and the Fast-dLLM accelerations
/// (§8: prefix/dual cache with refresh every r steps, threshold and factor parallel decoding).
/// </summary>
public static class DiffusionSampler
{
    public static DiffusionResult Generate(IMaskedDenoiser model, DiffusionOptions options, ulong seed) =>
        GenerateBatch([new DiffusionJob(model, options, seed)])[0];

    /// <summary>
    /// Runs several sequences in lockstep: each round every unfinished sequence plans its next step, all their
    /// forwards go to <paramref name="forward"/> together (one batched model call), then each applies its own logits.
    /// Sampling stays per sequence (own options, seed, block schedule and stop), so each result equals that sequence
    /// generated alone whenever the forward gives each sequence the logits it would get alone.
    /// <paramref name="cancellationToken"/> is checked before every batched forward, so a cancelled generation (a
    /// SIGTERM'd or Ctrl-C'd run, docs/ARCHITECTURE.md §5) stops within one forward instead of finishing its whole answer;
    /// nothing of a cancelled batch is returned.
    /// </summary>
    public static ImmutableArray<DiffusionResult> GenerateBatch(IReadOnlyList<DiffusionJob> jobs, DenoiserBatchForward? forward = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            ArgumentNullException.ThrowIfNull(job.Denoiser);
            ArgumentNullException.ThrowIfNull(job.Options);
            job.Options.Validate();
        }

        forward ??= ForwardOneByOne;
        var states = jobs.Select(j => new State(j.Denoiser, j.Options, j.Seed)).ToList();
        var running = states.Select(s => s.Steps().GetEnumerator()).Where(e => e.MoveNext()).ToList();
        var work = new List<DenoiserWork>();
        while (running.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            work.Clear();
            foreach (var e in running)
            {
                work.AddRange(e.Current);
            }

            forward(work);
            running = [.. running.Where(e => e.MoveNext())];
        }

        return [.. states.Select(s => s.Result())];
    }

    /// <summary>The unbatched forward: each call on its own denoiser, in order.</summary>
    public static void ForwardOneByOne(IReadOnlyList<DenoiserWork> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        foreach (var w in work)
        {
            if (w.Scores is { } scores)
            {
                w.Denoiser.ForwardScores(w.Call, scores.Forbidden.AsSpan(), scores.Ids.Span, scores.Confidence.Span);
            }
            else
            {
                w.Denoiser.Forward(w.Call, w.Logits.Span);
            }
        }
    }

    private sealed class State
    {
        private readonly IMaskedDenoiser _model;
        private readonly DiffusionOptions _o;
        private readonly SplitMix64 _rng;
        private readonly int _p;
        private readonly int _vocab;
        private readonly int[] _ids;
        private readonly float[] _logits;
        private readonly float[] _uncond;
        private readonly double[] _noisy;
        private readonly double[] _confidence;
        private readonly int[] _x0;
        private readonly RowScores? _greedy;
        private readonly ImmutableArray<DiffusionStep>.Builder _trace = ImmutableArray.CreateBuilder<DiffusionStep>();
        private int _forwards;
        private int? _stop;
        private bool _finished;

        public State(IMaskedDenoiser model, DiffusionOptions options, ulong seed)
        {
            _model = model;
            _o = options;
            _rng = new SplitMix64(seed);
            _p = model.PromptLength;
            _vocab = model.VocabSize;
            _ids = Enumerable.Repeat(options.MaskId, options.GenLength).ToArray();
            _logits = new float[options.GenLength * _vocab];
            _uncond = options.CfgScale > 0 ? new float[options.GenLength * _vocab] : [];
            _noisy = new double[_vocab];
            _confidence = new double[options.GenLength];
            _x0 = new int[options.GenLength];

            // Greedy low-confidence sampling without CFG needs only argmax and p(argmax) per row: the denoiser computes
            // them where the logits are (on a GPU: 12 bytes per row to the host instead of a vocabulary-wide row).
            _greedy = options.Temperature == 0 && options.Remasking == Remasking.LowConfidence && options.CfgScale == 0
                ? new RowScores(new int[options.GenLength], new double[options.GenLength], options.ForbiddenIds)
                : null;
        }

        /// <summary>The sampling loop, paused at every step while its forwards (1, or 2 with CFG) are run by the caller.</summary>
        public IEnumerable<IReadOnlyList<DenoiserWork>> Steps()
        {
            var blocks = _o.GenLength / _o.BlockLength;
            var stepsPerBlock = _o.Steps / blocks;
            var adaptive = _o.Threshold is not null || _o.Factor is not null;
            for (var b = 0; b < blocks && !_finished; b++)
            {
                var blockStart = b * _o.BlockLength;
                var blockEnd = blockStart + _o.BlockLength;
                // §6.2 step 8: blocks starting at or after a known stop are skipped.
                if (_stop is int s && blockStart >= s)
                {
                    break;
                }

                var schedule = TransferSchedule.Counts(MaskedIn(blockStart, blockEnd), stepsPerBlock);
                for (var i = 0; adaptive || i < stepsPerBlock; i++)
                {
                    // §6.2 step 1: stop once everything before a found stop is decoded; next block when this one is full.
                    if (_stop is int stop && MaskedIn(0, stop) == 0)
                    {
                        _finished = true;
                        break;
                    }

                    if (MaskedIn(blockStart, blockEnd) == 0)
                    {
                        break;
                    }

                    foreach (var pending in Step(b, i, blockStart, blockEnd, adaptive ? 0 : schedule[i]))
                    {
                        yield return pending;
                    }
                }
            }
        }

        public DiffusionResult Result()
        {
            var end = _stop ?? _o.GenLength;
            return new DiffusionResult([.. _ids[..end]], _trace.ToImmutable(), _forwards, _stop is not null);
        }

        private int MaskedIn(int from, int to)
        {
            var n = 0;
            for (var i = from; i < to; i++)
            {
                if (_ids[i] == _o.MaskId)
                {
                    n++;
                }
            }

            return n;
        }

        private IEnumerable<IReadOnlyList<DenoiserWork>> Step(int block, int step, int blockStart, int blockEnd, int count)
        {
            // §6.2 step 5: candidates end at the block end, or at the stop position once one is known.
            var upper = _stop ?? blockEnd;
            var rowsEnd = Math.Max(upper, blockEnd);
            var rows = rowsEnd - blockStart;
            var call = PlanCall(step, blockStart, rowsEnd);
            var size = rows * _vocab;
            DenoiserWork[] pending = _greedy is { } greedy
                ? [new(_model, call, Memory<float>.Empty, greedy with { Ids = greedy.Ids[..rows], Confidence = greedy.Confidence[..rows] })]
                : _o.CfgScale > 0
                ? [new(_model, call, _logits.AsMemory(0, size)), new(_model, call with { Unconditional = true }, _uncond.AsMemory(0, size))]
                : [new(_model, call, _logits.AsMemory(0, size))];
            _forwards += pending.Length;
            yield return pending;
            if (_o.CfgScale > 0)
            {
                // LLaDA generate.py: logits = un + (cfg + 1)·(cond − un)
                var scale = (float)(_o.CfgScale + 1);
                for (var i = 0; i < rows * _vocab; i++)
                {
                    _logits[i] = _uncond[i] + (scale * (_logits[i] - _uncond[i]));
                }
            }

            var candidates = new List<int>(rows);
            var beyond = new List<int>();
            for (var r = 0; r < rows; r++)
            {
                var pos = blockStart + r;
                if (_ids[pos] != _o.MaskId)
                {
                    continue;
                }

                if (_greedy is { } scored)
                {
                    (_x0[pos], _confidence[pos]) = (scored.Ids.Span[r], scored.Confidence.Span[r]);
                }
                else
                {
                    Score(_logits.AsSpan(r * _vocab, _vocab), out _x0[pos], out _confidence[pos]);
                }
                (pos < upper ? candidates : beyond).Add(pos);
            }

            // torch.topk order: confidence descending; ties to the lower position (stable sort).
            var ordered = candidates.OrderByDescending(p => _confidence[p]).ToList();
            int take;
            if (_o.Factor is double f)
            {
                take = TransferSchedule.FactorCount([.. ordered.Select(p => _confidence[p])], f);
            }
            else if (_o.Threshold is double t)
            {
                take = TransferSchedule.ThresholdCount([.. ordered.Select(p => _confidence[p])], t);
            }
            else
            {
                take = Math.Min(count, ordered.Count);
            }

            var chosen = ordered.Take(take).ToList();
            if (_o.Threshold is null && _o.Factor is null && chosen.Count < count)
            {
                // §6.2 step 6 edge case (only after a stop was found): topk also returns −∞ positions and masked ones
                // among them get their argmax. torch leaves the order of −∞ ties unspecified; we take the block's
                // masked positions past the stop in position order. Output is truncated at the stop either way.
                chosen.AddRange(beyond.Take(count - chosen.Count));
            }

            chosen.Sort();
            foreach (var pos in chosen)
            {
                _ids[pos] = _x0[pos];
                _model.Commit(_p + pos, _x0[pos]);
            }

            _trace.Add(new DiffusionStep(block, step, [.. chosen], [.. chosen.Select(p => _x0[p])]));
            _stop = FindStop();
        }

        private DenoiserCall PlanCall(int step, int blockStart, int rowsEnd)
        {
            var logitFrom = _p + blockStart;
            var logitTo = _p + rowsEnd;
            var length = _p + _o.GenLength;
            if (_o.Cache == CacheMode.None)
            {
                return new DenoiserCall(DenoiserPass.Full, 0, length, logitFrom, logitTo, false);
            }

            // §8.1 rebuild at block start; §8.2 LLaDA-V hook: also every r steps within the block (i % r == 0).
            var refresh = step == 0 || (_o.RefreshInterval is int r && step % r == 0);
            if (refresh)
            {
                return new DenoiserCall(DenoiserPass.Refresh, 0, length, logitFrom, logitTo, false);
            }

            // Prefix cache feeds x[block_start:] (the block and every later position); dual cache the block only.
            var windowEnd = _o.Cache == CacheMode.Prefix ? length : logitTo;
            return new DenoiserCall(DenoiserPass.Window, _p + blockStart, windowEnd, logitFrom, logitTo, false);
        }

        /// <summary>
        /// §6.2 steps 3–4 with §6.1 noise: forbidden ids → −∞, x0 = argmax of the (Gumbel-noised when T &gt; 0) logits,
        /// confidence = fp64 softmax probability of x0 (low_confidence) or U(0,1) (random).
        /// </summary>
        private void Score(Span<float> logits, out int x0, out double confidence)
        {
            foreach (var id in _o.ForbiddenIds)
            {
                logits[id] = float.NegativeInfinity;
            }

            var t = _o.Temperature;
            var best = 0;
            var bestValue = double.NegativeInfinity;
            var max = double.NegativeInfinity;
            for (var v = 0; v < logits.Length; v++)
            {
                double l = logits[v];
                max = Math.Max(max, l);
                // add_gumbel_noise: exp(l) / (−log U)^T, compared in log space: l − T·log(−log U).
                var noisy = t == 0 ? l : l - (t * Math.Log(-Math.Log(_rng.NextDouble())));
                _noisy[v] = noisy;
                if (noisy > bestValue)
                {
                    bestValue = noisy;
                    best = v;
                }
            }

            x0 = best;
            if (_o.Remasking == Remasking.Random)
            {
                confidence = _rng.NextDouble();
                return;
            }

            double sum = 0;
            for (var v = 0; v < logits.Length; v++)
            {
                sum += Math.Exp(logits[v] - max);
            }

            confidence = Math.Exp(logits[best] - max) / sum;
        }

        /// <summary>
        /// §6.2 step 7: the first occurrence of the first stop sequence (in list order) found in the generated ids;
        /// undecoded positions hold [MASK] and never match.
        /// </summary>
        private int? FindStop()
        {
            foreach (var seq in _o.StopSequences)
            {
                if (seq.Length == 0)
                {
                    continue;
                }

                for (var pos = 0; pos + seq.Length <= _ids.Length; pos++)
                {
                    if (_ids.AsSpan(pos, seq.Length).SequenceEqual(seq.AsSpan()))
                    {
                        return pos;
                    }
                }
            }

            return null;
        }
    }
}
