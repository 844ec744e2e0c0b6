using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// The bytes of one column chunk in a pooled buffer: exactly its declared range at first, extended on demand (up to
/// a bound) when a page runs past that range, so other columns' bytes are not read unless a writer's sizes force it.
/// </summary>
internal sealed class ChunkBytes : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly long _start;
    private readonly int _limit;

    public ChunkBytes(SafeFileHandle file, long start, int declared, int limit)
    {
        _file = file;
        _start = start;
        _limit = limit;
        Buffer = ArrayPool<byte>.Shared.Rent(declared);
        Load(0, declared);
        Loaded = declared;
    }

    public byte[] Buffer { get; private set; }

    /// <summary>Bytes available from the chunk's start.</summary>
    public int Loaded { get; private set; }

    /// <summary>Makes at least <paramref name="needed"/> bytes available; false when that would pass the bound.</summary>
    public bool TryExtend(long needed)
    {
        if (needed <= Loaded)
        {
            return true;
        }

        if (needed > _limit)
        {
            return false;
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)needed);
        Buffer.AsSpan(0, Loaded).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = bigger;
        Load(Loaded, (int)needed - Loaded);
        Loaded = (int)needed;
        return true;
    }

    /// <summary>Loads more bytes, up to <paramref name="wanted"/> within the bound; false when nothing more can be loaded.</summary>
    public bool TryGrowToward(long wanted)
    {
        var target = Math.Min(wanted, _limit);
        return target > Loaded && TryExtend(target);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);

    private void Load(int at, int count)
    {
        var read = 0;
        while (read < count)
        {
            var n = RandomAccess.Read(_file, Buffer.AsSpan(at + read, count - read), _start + at + read);
            if (n == 0)
            {
                throw new ParquetFormatException("file ends inside a column chunk");
            }

            read += n;
        }
    }
}
