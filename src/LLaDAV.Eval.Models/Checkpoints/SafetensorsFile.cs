using System.IO.MemoryMappedFiles;
using System.Text.Json;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>Where one tensor's bytes are inside a safetensors file.</summary>
public sealed record SafetensorsEntry(string Name, DType DType, TensorShape Shape, long Begin, long End, string FilePath);

/// <summary>
/// One memory-mapped <c>.safetensors</c> file: 8-byte little-endian header length, JSON header
/// (<c>{name: {dtype, shape, data_offsets}}</c>, optional <c>__metadata__</c>), then the data section.
/// The header is validated fully on open, so later reads cannot run past the mapping.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        Entries = entries;
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException(CheckpointErrorKind.MissingFile, path, null, $"Checkpoint file {path} does not exist.");
        }

        var length = new FileInfo(path).Length;
        if (length < 8)
        {
            throw new CheckpointException(CheckpointErrorKind.Truncated, path, null, $"{path} is truncated: {length} bytes, less than the 8-byte safetensors header length.");
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            var headerLength = view.ReadInt64(0);
            if (headerLength <= 0 || headerLength > length - 8)
            {
                throw new CheckpointException(CheckpointErrorKind.Truncated, path, null, $"{path} is truncated or corrupt: its header claims {headerLength} bytes but the file has {length}.");
            }

            var header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            var dataStart = 8 + headerLength;
            var entries = ParseHeader(path, header, length - dataStart);
            var file = new SafetensorsFile(path, map, view, dataStart, entries);
            return file;
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The raw bytes of a tensor, straight from the mapping (valid while this file is open).</summary>
    public ReadOnlySpan<byte> Bytes(SafetensorsEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ReadOnlySpan<byte>(_base + _dataStart + entry.Begin, checked((int)(entry.End - entry.Begin)));
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private static Dictionary<string, SafetensorsEntry> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(CheckpointErrorKind.InvalidHeader, path, null, $"{path} has an unreadable safetensors header: {e.Message}");
        }

        using (doc)
        {
            try
            {
                return ParseEntries(path, doc, dataLength);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
            {
                // A header that is valid JSON but not safetensors' shape (a missing "dtype", a string where a number
                // belongs, a negative dimension): found by the corrupt-input campaign (issue 14 §5).
                throw new CheckpointException(CheckpointErrorKind.InvalidHeader, path, null, $"{path} has a malformed safetensors header: {e.Message} Each tensor needs \"dtype\", \"shape\" (non-negative integers) and \"data_offsets\" [begin, end].");
            }
        }
    }

    private static Dictionary<string, SafetensorsEntry> ParseEntries(string path, JsonDocument doc, long dataLength)
    {
        {
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    continue;
                }

                var name = prop.Name;
                var dtypeText = prop.Value.GetProperty("dtype").GetString() ?? string.Empty;
                var dtype = dtypeText switch
                {
                    "F32" => DType.F32,
                    "BF16" => DType.BF16,
                    "F16" => DType.F16,
                    "I32" => DType.I32,
                    _ => throw new CheckpointException(CheckpointErrorKind.UnsupportedDType, path, name, $"Tensor {name} in {path} has dtype {dtypeText}; supported are BF16, F16, F32 (and I32)."),
                };
                var shape = new TensorShape([.. prop.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())]);
                var offsets = prop.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                {
                    throw new CheckpointException(CheckpointErrorKind.InvalidHeader, path, name, $"Tensor {name} in {path} has invalid data_offsets.");
                }

                if (offsets[1] > dataLength)
                {
                    throw new CheckpointException(CheckpointErrorKind.Truncated, path, name, $"{path} is truncated: tensor {name} ends at byte {offsets[1]} of the data section but only {dataLength} bytes are present.");
                }

                if (offsets[1] - offsets[0] != shape.Length * DTypes.SizeOf(dtype))
                {
                    throw new CheckpointException(CheckpointErrorKind.InvalidHeader, path, name, $"Tensor {name} in {path}: {offsets[1] - offsets[0]} bytes do not hold {shape} of {dtype}.");
                }

                entries[name] = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1], path);
            }

            return entries;
        }
    }
}
