namespace LLaDAV.Eval.Models.Tensors;

/// <summary>Conveniences composed from the backend's primitives (views + copy), valid on every backend.</summary>
public static class TensorOps
{
    /// <summary>Concatenates tensors with equal row length along dimension 0 into a new tensor.</summary>
    public static Tensor ConcatRows(this IComputeBackend backend, IReadOnlyList<Tensor> parts)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Nothing to concatenate.", nameof(parts));
        }

        var width = parts[0].RowLength;
        if (parts.Any(p => p.RowLength != width || p.DType != parts[0].DType))
        {
            throw new ArgumentException("ConcatRows needs equal row lengths and dtypes.", nameof(parts));
        }

        var result = backend.Allocate(parts[0].Shape.WithRows(parts.Sum(p => p.RowCount)), parts[0].DType);
        var row = 0;
        foreach (var p in parts)
        {
            backend.Copy(p, result.Rows(row, p.RowCount));
            row += p.RowCount;
        }

        return result;
    }

    /// <summary>A new tensor holding a copy of rows <c>[start, start + count)</c>.</summary>
    public static Tensor SliceRows(this IComputeBackend backend, Tensor source, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(source);
        var view = source.Rows(start, count);
        var result = backend.Allocate(view.Shape, source.DType);
        backend.Copy(view, result);
        return result;
    }

    /// <summary>Host copy of an fp32 tensor (tests, tools, the sampler's logits).</summary>
    public static float[] ToArray(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var host = new float[tensor.Length];
        tensor.Backend.Download(tensor, host);
        return host;
    }
}
