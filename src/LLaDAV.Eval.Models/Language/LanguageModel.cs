using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Which positions a forward covers and what it attends to. Without a cache the input is the whole sequence from
/// position 0. With a cache the input is positions <c>[FirstPosition, FirstPosition + n)</c>, whose K/V are written
/// into the cache, and attention reads cache rows <c>[0, KeyLength)</c> (default: <c>FirstPosition + n</c>).
/// </summary>
public sealed record ForwardWindow(int FirstPosition = 0, KvCache? Cache = null, int? KeyLength = null)
{
    public static ForwardWindow Full { get; } = new();
}

/// <summary>
/// A LLaMA-shaped decoder (LLADAV-MODEL.md §1.1, §9): pre-norm, RMSNorm in fp32, RoPE rotate-half with θ from
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
    public void Forward(Tensor embeds, ForwardWindow window, int logitStart, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(embeds);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(logits);
        var n = embeds.RowCount;
        var c = Config;
        if (logits.RowLength != c.VocabSize || logitStart < 0 || logitStart + logits.RowCount > n)
        {
            throw new ArgumentException($"Logits {logits.Shape} for rows from {logitStart} do not fit an input of {n} rows and vocab {c.VocabSize}.", nameof(logits));
        }

        if (window.Cache is null && window.FirstPosition != 0)
        {
            throw new ArgumentException("A forward without a cache covers the whole sequence from position 0.", nameof(window));
        }

        var cache = window.Cache;
        var first = window.FirstPosition;
        var keyLength = window.KeyLength ?? (first + n);
        if (cache is not null && (first + n > cache.Capacity || keyLength > cache.Capacity || keyLength < first + n && Causal))
        {
            throw new ArgumentException($"Window [{first}, {first + n}) with key length {keyLength} does not fit the cache of {cache.Capacity}.", nameof(window));
        }

        var ws = Buffers(n);
        var x = ws.Hidden.Rows(0, n);
        var normed = ws.Normed.Rows(0, n);
        var q = ws.Q.Rows(0, n);
        var attn = ws.Attn.Rows(0, n);
        var gate = ws.Gate.Rows(0, n);
        var up = ws.Up.Rows(0, n);
        _backend.Copy(embeds, x);
        var spec = new AttentionSpec(c.Heads, c.KvHeads, c.HeadDim, Causal);
        for (var i = 0; i < c.Layers; i++)
        {
            var l = _weights.Layers[i];
            Tensor k, v, keys, values;
            if (cache is null)
            {
                k = keys = ws.K.Rows(0, n);
                v = values = ws.V.Rows(0, n);
            }
            else
            {
                k = cache.Keys(i).Rows(first, n);
                v = cache.Values(i).Rows(first, n);
                keys = cache.Keys(i).Rows(0, keyLength);
                values = cache.Values(i).Rows(0, keyLength);
            }

            // h = x + o_proj(Attn(RMSNorm1(x)))
            _backend.RmsNorm(x, l.AttnNorm, c.RmsNormEps, normed);
            _backend.MatMul(normed, l.Q, q);
            _backend.MatMul(normed, l.K, k);
            _backend.MatMul(normed, l.V, v);
            _backend.ApplyRope(q, c.Heads, c.HeadDim, first, c.RopeTheta);
            _backend.ApplyRope(k, c.KvHeads, c.HeadDim, first, c.RopeTheta);
            _backend.Attention(q, keys, values, attn, spec);
            _backend.MatMul(attn, l.O, normed);
            _backend.Add(x, normed, x);

            // out = h + down(silu(gate(RMSNorm2(h))) · up(RMSNorm2(h)))
            _backend.RmsNorm(x, l.FfnNorm, c.RmsNormEps, normed);
            _backend.MatMul(normed, l.Gate, gate);
            _backend.MatMul(normed, l.Up, up);
            _backend.SiluMul(gate, up, gate);
            _backend.MatMul(gate, l.Down, normed);
            _backend.Add(x, normed, x);
        }

        if (cache is not null)
        {
            cache.Length = Math.Max(cache.Length, first + n);
        }

        var rows = logits.RowCount;
        var tail = x.Rows(logitStart, rows);
        var tailNormed = normed.Rows(0, rows);
        _backend.RmsNorm(tail, _weights.FinalNorm, c.RmsNormEps, tailNormed);
        _backend.MatMul(tailNormed, _weights.LmHead, logits);
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

        public void Dispose()
        {
            foreach (var t in new[] { Hidden, Normed, Q, K, V, Attn, Gate, Up })
            {
                t.Dispose();
            }
        }
    }
}
