namespace LLaDAV.Eval.Models.Tensors;

/// <summary>Element types a tensor can hold. Checkpoints store bf16/f16/f32; ids and indices are i32.</summary>
public enum DType
{
    F32,
    BF16,
    F16,
    I32,
}

/// <summary>Sizes and host-side conversions of <see cref="DType"/> values.</summary>
public static class DTypes
{
    public static int SizeOf(DType dtype) => dtype switch
    {
        DType.F32 or DType.I32 => 4,
        DType.BF16 or DType.F16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>Widens little-endian raw floats (bf16, f16 or f32) into fp32. bf16 is the top half of an fp32.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> raw, DType source, Span<float> destination)
    {
        var count = destination.Length;
        if (raw.Length != checked(count * SizeOf(source)))
        {
            throw new ArgumentException($"Expected {count * SizeOf(source)} bytes of {source} for {count} elements but got {raw.Length}.", nameof(raw));
        }

        switch (source)
        {
            case DType.F32:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
            case DType.BF16:
                var bf = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(raw);
                for (var i = 0; i < count; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(bf[i] << 16);
                }

                break;
            case DType.F16:
                var hf = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(raw);
                for (var i = 0; i < count; i++)
                {
                    destination[i] = (float)hf[i];
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, "Only floating dtypes widen to fp32.");
        }
    }

    /// <summary>Rounds fp32 to bf16 bits with round-to-nearest-even (PyTorch's <c>.to(torch.bfloat16)</c>).</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }
}
