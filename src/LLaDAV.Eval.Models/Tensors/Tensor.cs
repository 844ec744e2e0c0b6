namespace LLaDAV.Eval.Models.Tensors;

/// <summary>
/// Device-resident memory owned by one backend. Model code never reads it; it moves data with the backend's
/// upload/download calls, so a CUDA backend can hold device pointers here without any model change.
/// </summary>
public interface ITensorStorage : IDisposable
{
    /// <summary>Capacity in elements of the storage's dtype.</summary>
    long Capacity { get; }
}

/// <summary>
/// A tensor: a shape and dtype over a window (element offset) of backend storage. Views (<see cref="Rows"/>,
/// <see cref="Reshape"/>) share the storage, which is how caches are written in place and how concatenation is done
/// without extra copies. Disposing a view does nothing; disposing the owner frees the storage.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly bool _ownsStorage;

    public Tensor(IComputeBackend backend, ITensorStorage storage, TensorShape shape, DType dtype, long offset = 0, bool ownsStorage = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(storage);
        if (offset < 0 || offset + shape.Length > storage.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"A {shape} view at offset {offset} does not fit a storage of {storage.Capacity} elements.");
        }

        Backend = backend;
        Storage = storage;
        Shape = shape;
        DType = dtype;
        Offset = offset;
        _ownsStorage = ownsStorage;
    }

    public IComputeBackend Backend { get; }

    public ITensorStorage Storage { get; }

    public TensorShape Shape { get; }

    public DType DType { get; }

    /// <summary>Offset of element 0 in the storage, in elements.</summary>
    public long Offset { get; }

    public long Length => Shape.Length;

    /// <summary>Size of dimension 0.</summary>
    public int RowCount => Shape[0];

    /// <summary>Elements per row (product of the dimensions after the first).</summary>
    public int RowLength => checked((int)Shape.RowLength);

    /// <summary>A view of rows <c>[start, start+count)</c> of dimension 0.</summary>
    public Tensor Rows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside a tensor of {RowCount} rows.");
        }

        return new Tensor(Backend, Storage, Shape.WithRows(count), DType, Offset + ((long)start * RowLength), ownsStorage: false);
    }

    /// <summary>The same elements under another shape of equal length.</summary>
    public Tensor Reshape(params int[] dims)
    {
        var shape = new TensorShape(dims);
        if (shape.Length != Length)
        {
            throw new ArgumentException($"Cannot reshape {Shape} ({Length} elements) to {shape}.", nameof(dims));
        }

        return new Tensor(Backend, Storage, shape, DType, Offset, ownsStorage: false);
    }

    public void Dispose()
    {
        if (_ownsStorage)
        {
            Storage.Dispose();
        }
    }

    public override string ToString() => $"Tensor{Shape} {DType} on {Backend.Name}";
}
