using System.Text.Json;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

internal sealed class SafetensorsTestWeights : IVisionWeights
{
    private readonly byte[] _bytes;
    private readonly Dictionary<string, (string DType, int[] Shape, long Begin, long End)> _entries = [];
    private readonly long _dataStart;
    private readonly IComputeBackend _backend;

    public SafetensorsTestWeights(string path, IComputeBackend backend)
    {
        _backend = backend;
        _bytes = File.ReadAllBytes(path);
        var n = BitConverter.ToInt64(_bytes, 0);
        _dataStart = 8 + n;
        using var doc = JsonDocument.Parse(_bytes.AsMemory(8, (int)n));
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            var off = p.Value.GetProperty("data_offsets");
            _entries[p.Name] = (p.Value.GetProperty("dtype").GetString()!, [.. p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())], off[0].GetInt64(), off[1].GetInt64());
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public Tensor Load(string name, params int[] shape)
    {
        var e = _entries[name];
        Assert.Equal(shape, e.Shape);
        Assert.Equal("BF16", e.DType);
        return _backend.UploadWeights(_bytes.AsSpan((int)(_dataStart + e.Begin), (int)(e.End - e.Begin)), DType.BF16, new TensorShape(shape));
    }
}
