using System.Text.Json;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>A tensor to write: raw little-endian bytes of <see cref="DType"/> in shape order.</summary>
public sealed record SafetensorsTensor(string Name, DType DType, TensorShape Shape, ReadOnlyMemory<byte> Data);

/// <summary>Writes the safetensors format (used by the demo checkpoint and by tests that build small files).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in list)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType switch { DType.F32 => "F32", DType.BF16 => "BF16", DType.F16 => "F16", _ => "I32" });
                w.WriteStartArray("shape");
                foreach (var d in t.Shape.Dims)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += t.Data.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        var header = json.ToArray().ToList();
        while (header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }

        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((long)header.Count));
        f.Write(header.ToArray());
        foreach (var t in list)
        {
            f.Write(t.Data.Span);
        }
    }

    /// <summary>fp32 values rounded to bf16 bytes (round-to-nearest-even).</summary>
    public static byte[] ToBf16Bytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var b = DTypes.ToBFloat16Bits(values[i]);
            bytes[2 * i] = (byte)b;
            bytes[(2 * i) + 1] = (byte)(b >> 8);
        }

        return bytes;
    }

    public static byte[] ToF32Bytes(ReadOnlySpan<float> values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
}
