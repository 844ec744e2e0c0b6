using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Per-layer post-RoPE keys and values, <c>[capacity, kvHeads·headDim]</c>, indexed by absolute position. A forward
/// that is given a cache writes its fresh K/V at its positions and attends over rows <c>[0, key length)</c>; this
/// serves LLaMA decoding (append), the Fast-dLLM prefix cache (fresh rows from the block start to the end) and the
/// dual cache (fresh rows for the block only; later rows stay stale until the next refresh), docs/LLADAV-MODEL.md §8.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(IComputeBackend backend, int layers, int capacity, int kvWidth)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            _keys[i] = backend.Allocate(new TensorShape(capacity, kvWidth));
            _values[i] = backend.Allocate(new TensorShape(capacity, kvWidth));
        }
    }

    public int Capacity { get; }

    /// <summary>Positions <c>[0, Length)</c> hold K/V written by some forward (the highest position written + 1).</summary>
    public int Length { get; internal set; }

    public Tensor Keys(int layer) => _keys[layer];

    public Tensor Values(int layer) => _values[layer];

    /// <summary>Forgets everything (positions are simply overwritten by later forwards).</summary>
    public void Clear() => Length = 0;

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
