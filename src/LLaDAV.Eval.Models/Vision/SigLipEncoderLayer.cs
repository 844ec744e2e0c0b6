using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// One pre-LN SigLIP encoder layer (HF <c>SiglipEncoderLayer</c>, used by LLaVA-NeXT's
/// <c>siglip_encoder.py</c>): <c>h += out_proj(MHA(LN1(h)))</c>, <c>h += fc2(gelu_tanh(fc1(LN2(h))))</c>;
/// q/k/v/out projections with bias, no mask, scale <c>head_dim^-0.5</c>.
/// </summary>
internal sealed class SigLipEncoderLayer : IDisposable
{
    private readonly Tensor _ln1W, _ln1B, _ln2W, _ln2B;
    private readonly Tensor _qW, _qB, _kW, _kB, _vW, _vB, _oW, _oB;
    private readonly Tensor _fc1W, _fc1B, _fc2W, _fc2B;

    public SigLipEncoderLayer(IVisionWeights weights, int index, SigLipTowerConfig config)
    {
        int h = config.HiddenSize, m = config.IntermediateSize;
        Tensor L(string leaf, params int[] shape) => weights.Load(VisionWeightNames.Layer(index, leaf), shape);
        _ln1W = L("layer_norm1.weight", h);
        _ln1B = L("layer_norm1.bias", h);
        _ln2W = L("layer_norm2.weight", h);
        _ln2B = L("layer_norm2.bias", h);
        _qW = L("self_attn.q_proj.weight", h, h);
        _qB = L("self_attn.q_proj.bias", h);
        _kW = L("self_attn.k_proj.weight", h, h);
        _kB = L("self_attn.k_proj.bias", h);
        _vW = L("self_attn.v_proj.weight", h, h);
        _vB = L("self_attn.v_proj.bias", h);
        _oW = L("self_attn.out_proj.weight", h, h);
        _oB = L("self_attn.out_proj.bias", h);
        _fc1W = L("mlp.fc1.weight", m, h);
        _fc1B = L("mlp.fc1.bias", m);
        _fc2W = L("mlp.fc2.weight", h, m);
        _fc2B = L("mlp.fc2.bias", h);
    }

    public int IntermediateSize => _fc1W.Shape[0];

    /// <summary>
    /// Runs the layer in place on <paramref name="hidden"/> <c>[crops·patches, hidden]</c>; attention is taken
    /// within each crop's <paramref name="patches"/> rows only (every crop is its own sequence).
    /// </summary>
    public void Forward(Tensor hidden, int patches, AttentionSpec spec, float eps, LayerScratch s)
    {
        var b = hidden.Backend;
        b.LayerNorm(hidden, _ln1W, _ln1B, eps, s.Normed);
        b.MatMul(s.Normed, _qW, s.Q, _qB);
        b.MatMul(s.Normed, _kW, s.K, _kB);
        b.MatMul(s.Normed, _vW, s.V, _vB);
        for (var start = 0; start < hidden.RowCount; start += patches)
        {
            b.Attention(s.Q.Rows(start, patches), s.K.Rows(start, patches), s.V.Rows(start, patches), s.Attn.Rows(start, patches), spec);
        }

        b.MatMul(s.Attn, _oW, s.Normed, _oB);
        b.Add(hidden, s.Normed, hidden);

        b.LayerNorm(hidden, _ln2W, _ln2B, eps, s.Normed);
        b.MatMul(s.Normed, _fc1W, s.Mlp, _fc1B);
        b.Gelu(s.Mlp, s.Mlp, GeluKind.Tanh);
        b.MatMul(s.Mlp, _fc2W, s.Normed, _fc2B);
        b.Add(hidden, s.Normed, hidden);
    }

    public void Dispose()
    {
        foreach (var t in new[] { _ln1W, _ln1B, _ln2W, _ln2B, _qW, _qB, _kW, _kB, _vW, _vB, _oW, _oB, _fc1W, _fc1B, _fc2W, _fc2B })
        {
            t.Dispose();
        }
    }
}

/// <summary>Activation buffers shared by all layers of one tower pass.</summary>
internal sealed class LayerScratch : IDisposable
{
    public LayerScratch(IComputeBackend backend, int rows, int hidden, int intermediate)
    {
        Normed = backend.Allocate(new TensorShape(rows, hidden));
        Q = backend.Allocate(new TensorShape(rows, hidden));
        K = backend.Allocate(new TensorShape(rows, hidden));
        V = backend.Allocate(new TensorShape(rows, hidden));
        Attn = backend.Allocate(new TensorShape(rows, hidden));
        Mlp = backend.Allocate(new TensorShape(rows, intermediate));
    }

    public Tensor Normed { get; }

    public Tensor Q { get; }

    public Tensor K { get; }

    public Tensor V { get; }

    public Tensor Attn { get; }

    public Tensor Mlp { get; }

    public void Dispose()
    {
        Normed.Dispose();
        Q.Dispose();
        K.Dispose();
        V.Dispose();
        Attn.Dispose();
        Mlp.Dispose();
    }
}
