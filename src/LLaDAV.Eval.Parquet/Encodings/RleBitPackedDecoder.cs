using System.Buffers.Binary;

namespace LLaDAV.Eval.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packing hybrid (Parquet Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)"), used
/// for levels, dictionary indices and v2 booleans. Runs: header varint; low bit 0 = RLE run of (header &gt;&gt; 1)
/// copies of a value stored in ceil(bitWidth/8) bytes; low bit 1 = (header &gt;&gt; 1) groups of 8 bit-packed values.
/// </summary>
internal ref struct RleBitPackedDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _bitWidth;
    private int _pos;

    public RleBitPackedDecoder(ReadOnlySpan<byte> data, int bitWidth)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new ParquetFormatException($"RLE/bit-packed bit width {bitWidth} is outside 0..32");
        }

        _data = data;
        _bitWidth = bitWidth;
        _pos = 0;
    }

    /// <summary>Fills <paramref name="dest"/> completely or throws when the runs end first.</summary>
    public void Read(Span<int> dest)
    {
        var filled = 0;
        while (filled < dest.Length)
        {
            if (_pos >= _data.Length)
            {
                throw new ParquetFormatException($"RLE/bit-packed data ends after {filled} of {dest.Length} values");
            }

            var header = ReadVarint();
            if ((header & 1) == 0)
            {
                var count = header >> 1;
                var width = (_bitWidth + 7) / 8;
                if (_pos + width > _data.Length)
                {
                    throw new ParquetFormatException("RLE run value extends past the end of its data");
                }

                var value = 0;
                for (var i = 0; i < width; i++)
                {
                    value |= _data[_pos + i] << (8 * i);
                }

                _pos += width;
                if (_bitWidth < 32 && (uint)value >= 1u << _bitWidth)
                {
                    throw new ParquetFormatException($"RLE run value {value} does not fit its bit width {_bitWidth}");
                }

                if (count == 0)
                {
                    continue;
                }

                var take = (int)Math.Min(count, (ulong)(dest.Length - filled));
                dest.Slice(filled, take).Fill(value);
                filled += take;
            }
            else
            {
                var groups = header >> 1;
                if (groups == 0)
                {
                    continue;
                }

                // The last run may be cut short by a writer that stops at the page's value count: only the
                // values still needed must be present.
                var runValues = Math.Min(groups * 8, (ulong)int.MaxValue);
                var take = (int)Math.Min(runValues, (ulong)(dest.Length - filled));
                var neededBytes = (int)(((long)take * _bitWidth + 7) / 8);
                if (_pos + neededBytes > _data.Length)
                {
                    throw new ParquetFormatException("bit-packed run extends past the end of its data");
                }

                BitUnpacker.Unpack32(_data[_pos..], _bitWidth, dest.Slice(filled, take));
                filled += take;
                var runBytes = (long)groups * _bitWidth;
                _pos = (int)Math.Min(_data.Length, _pos + runBytes);
            }
        }
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length)
            {
                throw new ParquetFormatException("RLE/bit-packed run header ends early");
            }

            var b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetFormatException("RLE/bit-packed run header is too long");
    }

    /// <summary>Reads the 4-byte little-endian length that prefixes v1 levels and RLE booleans; returns the run bytes.</summary>
    public static ReadOnlySpan<byte> LengthPrefixed(ReadOnlySpan<byte> data, out int consumed)
    {
        if (data.Length < 4)
        {
            throw new ParquetFormatException("RLE length prefix ends early");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || length > data.Length - 4)
        {
            throw new ParquetFormatException($"RLE data length {length} exceeds the {data.Length - 4} bytes left in the page");
        }

        consumed = 4 + length;
        return data.Slice(4, length);
    }

    public static int BitWidthOf(int maxValue) => maxValue == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxValue);
}
