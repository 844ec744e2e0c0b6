using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Tensors;

/// <summary>A row-major, contiguous tensor shape. Dimension 0 is the "rows" axis that views slice.</summary>
public readonly record struct TensorShape
{
    private readonly ImmutableArray<int> _dims;

    public TensorShape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0)
        {
            throw new ArgumentException("A tensor has at least one dimension.", nameof(dims));
        }

        foreach (var d in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dims));
        }

        _dims = [.. dims];
    }

    public int Rank => _dims.Length;

    public int this[int axis] => _dims[axis < 0 ? _dims.Length + axis : axis];

    public ImmutableArray<int> Dims => _dims;

    /// <summary>Total element count.</summary>
    public long Length
    {
        get
        {
            long n = 1;
            foreach (var d in _dims)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>Elements per index of dimension 0.</summary>
    public long RowLength => Rank == 1 ? 1 : Length / Math.Max(1, _dims[0]);

    public TensorShape WithRows(int rows)
    {
        var d = _dims.ToArray();
        d[0] = rows;
        return new TensorShape(d);
    }

    public bool Equals(TensorShape other) => _dims.SequenceEqual(other._dims);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _dims) + "]";
}
