using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// A LLaMA-shaped decoder (docs/LLADAV-MODEL.md §1.1, §9): pre-norm, RMSNorm in fp32, RoPE rotate-half with θ from
/// config, SwiGLU MLP, untied lm_head. LLaDA runs it bidirectionally with MHA; LLaMA3 causally with GQA. Input is
/// embeddings (so image features can be spliced at the −200 placeholders); output is fp32 logits for a chosen range
/// of the input rows only (the sampler never needs prompt logits, and lm_head is the widest matmul).
/// Activation buffers are kept between calls and grown only when a longer input arrives.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly LanguageWeights _weights;
    private Workspace? _ws;

    public LanguageModel(IComputeBackend backend, LanguageConfig config, LanguageWeights weights)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _weights = weights ?? throw new ArgumentNullException(nameof(weights));
    }

    public LanguageConfig Config { get; }

    /// <summary>Weight bytes one forward reads (<see cref="LanguageWeights.StreamedBytes"/>), in the backend's storage dtype.</summary>
    public long StreamedWeightBytes => _weights.StreamedBytes;

    /// <summary>When a batched forward may stack its sequences into one GEMM (<see cref="BatchPacking"/>).</summary>
    public BatchPacking Packing { get; set; } = BatchPacking.Exact;

    public IComputeBackend Backend => _backend;

    /// <summary>Causal attention (LLaMA) or bidirectional (LLaDA, §1.1: no mask anywhere).</summary>
    public bool Causal => !Config.IsDiffusion;

    public static LanguageModel Load(Checkpoint checkpoint, IComputeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var config = checkpoint.Config.Language;
        return new LanguageModel(backend, config, LanguageWeights.Load(checkpoint, config, backend));
    }

    /// <summary>A cache sized for <paramref name="capacity"/> positions.</summary>
    public KvCache CreateCache(int capacity) => new(_backend, Config.Layers, capacity, Config.KvHeads * Config.HeadDim);

    /// <summary>Writes the embedding rows of <paramref name="ids"/> into <paramref name="destination"/> <c>[ids.Length, hidden]</c>.</summary>
    public void Embed(ReadOnlySpan<int> ids, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var idTensor = _backend.Upload(ids, new TensorShape(ids.Length));
        _backend.Embedding(_weights.Embedding, idTensor, destination);
    }

    /// <summary>Embedding rows for an I32 id tensor already on the device (no host round trip).</summary>
    public void Embed(Tensor ids, Tensor destination) => _backend.Embedding(_weights.Embedding, ids, destination);

    /// <summary>
    /// Runs the tower on <paramref name="embeds"/> <c>[n, hidden]</c> and writes logits for input rows
    /// <c>[logitStart, logitStart + logits.RowCount)</c> into <paramref name="logits"/> <c>[rows, vocab]</c>.
    /// </summary>
    public void Forward(Tensor embeds, ForwardWindow window, int logitStart, Tensor logits) =>
        Forward([new ForwardSegment(embeds, window, logitStart, logits)]);

    /// <summary>
    /// One forward over several independent sequences (batching): their rows are stacked, every row-wise op runs once
    /// over the stack, RoPE and attention run per sequence (own positions, own cache, no attention across
    /// sequences). The linear layers take the whole stack in one GEMM when the backend's GEMM is row-invariant
    /// (<see cref="IComputeBackend.RowInvariantMatMul"/>), else one GEMM per sequence, so a sequence's logits are
    /// bit-identical to a forward of that sequence alone either way, unless <see cref="Packing"/> says
    /// <see cref="BatchPacking.Always"/>. No two segments may share a cache.
    /// </summary>
    public void Forward(IReadOnlyList<ForwardSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            return;
        }

        var plan = ForwardPlan.Create(segments, Config, Causal, Packing == BatchPacking.Always || _backend.RowInvariantMatMul);
        var c = Config;
        var ws = Buffers(plan.Rows);
        var x = ws.Hidden.Rows(0, plan.Rows);
        var normed = ws.Normed.Rows(0, plan.Rows);
        for (var s = 0; s < segments.Count; s++)
        {
            _backend.Copy(segments[s].Embeds, x.Rows(plan.Offsets[s], plan.Lengths[s]));
        }

        var spec = new AttentionSpec(c.Heads, c.KvHeads, c.HeadDim, Causal);
        for (var i = 0; i < c.Layers; i++)
        {
            var l = _weights.Layers[i];

            // h = x + o_proj(Attn(RMSNorm1(x)))
            _backend.RmsNorm(x, l.AttnNorm, c.RmsNormEps, normed);
            Linear(plan, normed, l.Q, ws.Q);
            Linear(plan, normed, l.K, ws.K);
            Linear(plan, normed, l.V, ws.V);
            for (var s = 0; s < segments.Count; s++)
            {
                Attend(segments[s], i, plan.Offsets[s], plan.Lengths[s], ws, spec);
            }

            Linear(plan, ws.Attn, l.O, ws.Normed);
            _backend.Add(x, normed, x);

            // out = h + down(silu(gate(RMSNorm2(h))) · up(RMSNorm2(h)))
            _backend.RmsNorm(x, l.FfnNorm, c.RmsNormEps, normed);
            Linear(plan, normed, l.Gate, ws.Gate);
            Linear(plan, normed, l.Up, ws.Up);
            var gate = ws.Gate.Rows(0, plan.Rows);
            _backend.SiluMul(gate, ws.Up.Rows(0, plan.Rows), gate);
            Linear(plan, ws.Gate, l.Down, ws.Normed);
            _backend.Add(x, normed, x);
        }

        foreach (var segment in segments)
        {
            if (segment.Window.Cache is { } cache)
            {
                cache.Length = Math.Max(cache.Length, segment.Window.FirstPosition + segment.Embeds.RowCount);
            }
        }

        Head(segments, plan, ws);
    }
    /// <summary>Convenience: embeds <paramref name="ids"/> and returns host logits for every position (tests, the forward verb).</summary>
    public float[] ForwardIds(ReadOnlySpan<int> ids)
    {
        using var e = _backend.Allocate(new TensorShape(ids.Length, Config.HiddenSize));
        Embed(ids, e);
        using var logits = _backend.Allocate(new TensorShape(ids.Length, Config.VocabSize));
        Forward(e, ForwardWindow.Full, 0, logits);
        var host = new float[logits.Length];
        _backend.Download(logits, host);
        return host;
    }

    public void Dispose()
    {
        _ws?.Dispose();
        _weights.Dispose();
    }

    /// <summary>Runs one linear layer over the stacked rows: one GEMM when packing is allowed, else one per segment.</summary>
    private void Linear(ForwardPlan plan, Tensor input, Tensor weight, Tensor output)
    {
        if (plan.Packed)
        {
            _backend.MatMul(input.Rows(0, plan.Rows), weight, output.Rows(0, plan.Rows));
            return;
        }

        for (var s = 0; s < plan.Offsets.Length; s++)
        {
            _backend.MatMul(input.Rows(plan.Offsets[s], plan.Lengths[s]), weight, output.Rows(plan.Offsets[s], plan.Lengths[s]));
        }
    }

    /// <summary>
    /// RoPE at the segment's own positions, then attention over its own keys: the fresh K/V rows, or the cache after
    /// the fresh rows were written into it at their positions (append, Fast-dLLM prefix/dual refresh).
    /// </summary>
    private void Attend(ForwardSegment segment, int layer, int offset, int n, Workspace ws, AttentionSpec spec)
    {
        var c = Config;
        var first = segment.Window.FirstPosition;
        var q = ws.Q.Rows(offset, n);
        Tensor keys = ws.K.Rows(offset, n), values = ws.V.Rows(offset, n);
        _backend.ApplyRope(q, c.Heads, c.HeadDim, first, c.RopeTheta);
        _backend.ApplyRope(keys, c.KvHeads, c.HeadDim, first, c.RopeTheta);
        if (segment.Window.Cache is { } cache)
        {
            _backend.Copy(keys, cache.Keys(layer).Rows(first, n));
            _backend.Copy(values, cache.Values(layer).Rows(first, n));
            var keyLength = segment.Window.KeyLength ?? (first + n);
            keys = cache.Keys(layer).Rows(0, keyLength);
            values = cache.Values(layer).Rows(0, keyLength);
        }

        _backend.Attention(q, keys, values, ws.Attn.Rows(offset, n), spec);
    }

    /// <summary>Final RMSNorm and lm_head on the rows whose logits were asked for (lm_head is the widest GEMM).</summary>
    private void Head(IReadOnlyList<ForwardSegment> segments, ForwardPlan plan, Workspace ws)
    {
        for (var s = 0; s < segments.Count; s++)
        {
            var tail = ws.Hidden.Rows(plan.Offsets[s] + segments[s].LogitStart, plan.LogitLengths[s]);
            _backend.RmsNorm(tail, _weights.FinalNorm, Config.RmsNormEps, ws.Normed.Rows(plan.LogitOffsets[s], plan.LogitLengths[s]));
        }

        if (segments.Count > 1 && plan.Packed)
        {
            var stacked = ws.StackedLogits(_backend, Config.VocabSize, plan.LogitRows);
            _backend.MatMul(ws.Normed.Rows(0, plan.LogitRows), _weights.LmHead, stacked);
            for (var s = 0; s < segments.Count; s++)
            {
                _backend.Copy(stacked.Rows(plan.LogitOffsets[s], plan.LogitLengths[s]), segments[s].Logits);
            }

            return;
        }

        for (var s = 0; s < segments.Count; s++)
        {
            _backend.MatMul(ws.Normed.Rows(plan.LogitOffsets[s], plan.LogitLengths[s]), _weights.LmHead, segments[s].Logits);
        }
    }

    private Workspace Buffers(int rows)
    {
        if (_ws is null || _ws.Rows < rows)
        {
            _ws?.Dispose();
            _ws = new Workspace(_backend, Config, Math.Max(rows, (_ws?.Rows ?? 0) * 5 / 4));
        }

        return _ws;
    }

    private sealed class Workspace : IDisposable
    {
        private Tensor? _logits;

        public Workspace(IComputeBackend b, LanguageConfig c, int rows)
        {
            Rows = rows;
            var kv = c.KvHeads * c.HeadDim;
            Hidden = b.Allocate(new TensorShape(rows, c.HiddenSize));
            Normed = b.Allocate(new TensorShape(rows, c.HiddenSize));
            Q = b.Allocate(new TensorShape(rows, c.HiddenSize));
            K = b.Allocate(new TensorShape(rows, kv));
            V = b.Allocate(new TensorShape(rows, kv));
            Attn = b.Allocate(new TensorShape(rows, c.HiddenSize));
            Gate = b.Allocate(new TensorShape(rows, c.IntermediateSize));
            Up = b.Allocate(new TensorShape(rows, c.IntermediateSize));
        }

        public int Rows { get; }

        public Tensor Hidden { get; }

        public Tensor Normed { get; }

        public Tensor Q { get; }

        public Tensor K { get; }

        public Tensor V { get; }

        public Tensor Attn { get; }

        public Tensor Gate { get; }

        public Tensor Up { get; }

        /// <summary>lm_head output of several packed segments before it is split into each caller's logits; grown on demand.</summary>
        public Tensor StackedLogits(IComputeBackend b, int vocab, int rows)
        {
            if (_logits is null || _logits.RowCount < rows)
            {
                _logits?.Dispose();
                _logits = b.Allocate(new TensorShape(rows, vocab));
            }

            return _logits.Rows(0, rows);
        }

        public void Dispose()
        {
            foreach (var t in new[] { Hidden, Normed, Q, K, V, Attn, Gate, Up })
            {
                t.Dispose();
            }

            _logits?.Dispose();
        }
    }
}
