using System.Buffers;
using System.Buffers.Binary;
using LLaDAV.Eval.Parquet.Encodings;
using LLaDAV.Eval.Parquet.Metadata;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// Decodes the value section of a data or dictionary page (Encodings.md) into converted values, written to
/// <c>dest[at..at+count]</c>. Sizes are checked before anything is read.
/// </summary>
internal sealed class PageValueDecoder(PhysicalType type, int typeLength, ValueConverter converter)
{
    /// <summary>Bytes PLAIN needs at least per value; used to bound counts before allocating.</summary>
    public long MinPlainBytes(int count) => type switch
    {
        PhysicalType.Boolean => (count + 7L) / 8,
        PhysicalType.Int32 or PhysicalType.Float => 4L * count,
        PhysicalType.Int64 or PhysicalType.Double => 8L * count,
        PhysicalType.Int96 => 12L * count,
        PhysicalType.ByteArray => 4L * count,
        _ => (long)typeLength * count,
    };

    public void Decode(ParquetEncoding encoding, byte[] page, int start, int end, int count, object?[]? dictionary, object?[] dest, int at)
    {
        if (count == 0)
        {
            return;
        }

        switch (encoding)
        {
            case ParquetEncoding.Plain:
                DecodePlain(page.AsSpan(start, end - start), count, dest, at);
                break;
            case ParquetEncoding.PlainDictionary:
            case ParquetEncoding.RleDictionary:
                DecodeDictionary(page.AsSpan(start, end - start), count, dictionary, dest, at);
                break;
            case ParquetEncoding.Rle when type == PhysicalType.Boolean:
                DecodeRleBooleans(page.AsSpan(start, end - start), count, dest, at);
                break;
            case ParquetEncoding.DeltaBinaryPacked when type is PhysicalType.Int32 or PhysicalType.Int64:
                DecodeDeltaIntegers(page.AsSpan(start, end - start), count, dest, at);
                break;
            case ParquetEncoding.DeltaLengthByteArray when type == PhysicalType.ByteArray:
                CopyRuns(DeltaByteArrayDecoder.DecodeLengths(page, start, end, count, out _), count, dest, at);
                break;
            case ParquetEncoding.DeltaByteArray when type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                CopyRuns(DeltaByteArrayDecoder.DecodeIncremental(page, start, end, count), count, dest, at);
                break;
            case ParquetEncoding.ByteStreamSplit when type is PhysicalType.Float or PhysicalType.Double or PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.FixedLenByteArray:
                DecodeByteStreamSplit(page.AsSpan(start, end - start), count, dest, at);
                break;
            default:
                throw new ParquetFormatException($"encoding {encoding} is not valid for {type} values");
        }
    }

    private void DecodePlain(ReadOnlySpan<byte> data, int count, object?[] dest, int at)
    {
        if (MinPlainBytes(count) > data.Length)
        {
            throw new ParquetFormatException($"PLAIN page holds {data.Length} bytes, too few for {count} {type} values");
        }

        switch (type)
        {
            case PhysicalType.Boolean:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = ((data[i >> 3] >> (i & 7)) & 1) != 0;
                }

                break;
            case PhysicalType.Int32:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = converter.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]));
                }

                break;
            case PhysicalType.Int64:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = converter.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]));
                }

                break;
            case PhysicalType.Int96:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = converter.FromInt96(data.Slice(i * 12, 12));
                }

                break;
            case PhysicalType.Float:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = ValueConverter.FromFloat(BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]));
                }

                break;
            case PhysicalType.Double:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = ValueConverter.FromDouble(BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]));
                }

                break;
            case PhysicalType.ByteArray:
                {
                    var pos = 0;
                    for (var i = 0; i < count; i++)
                    {
                        if (data.Length - pos < 4)
                        {
                            throw new ParquetFormatException($"PLAIN byte array {i} of {count} has no length: the page ends");
                        }

                        var len = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
                        pos += 4;
                        if (len < 0 || len > data.Length - pos)
                        {
                            throw new ParquetFormatException($"PLAIN byte array {i} has length {len} but {data.Length - pos} bytes remain in the page");
                        }

                        dest[at + i] = converter.FromBytes(data.Slice(pos, len));
                        pos += len;
                    }

                    break;
                }

            default:
                for (var i = 0; i < count; i++)
                {
                    dest[at + i] = converter.FromBytes(data.Slice(i * typeLength, typeLength));
                }

                break;
        }
    }

    private static void DecodeDictionary(ReadOnlySpan<byte> data, int count, object?[]? dictionary, object?[] dest, int at)
    {
        if (dictionary is null)
        {
            throw new ParquetFormatException("dictionary-encoded page without a dictionary page before it");
        }

        if (data.IsEmpty)
        {
            throw new ParquetFormatException("dictionary-encoded page has no bit width byte");
        }

        var indices = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var decoder = new RleBitPackedDecoder(data[1..], data[0]);
            decoder.Read(indices.AsSpan(0, count));
            for (var i = 0; i < count; i++)
            {
                var index = indices[i];
                if ((uint)index >= (uint)dictionary.Length)
                {
                    throw new ParquetFormatException($"dictionary index {index} is outside the dictionary of {dictionary.Length} entries");
                }

                dest[at + i] = dictionary[index];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indices);
        }
    }

    private static void DecodeRleBooleans(ReadOnlySpan<byte> data, int count, object?[] dest, int at)
    {
        var runs = RleBitPackedDecoder.LengthPrefixed(data, out _);
        var bits = ArrayPool<int>.Shared.Rent(count);
        try
        {
            new RleBitPackedDecoder(runs, 1).Read(bits.AsSpan(0, count));
            for (var i = 0; i < count; i++)
            {
                dest[at + i] = bits[i] != 0;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bits);
        }
    }

    private void DecodeDeltaIntegers(ReadOnlySpan<byte> data, int count, object?[] dest, int at)
    {
        var values = DeltaBinaryPackedDecoder.Decode(data, count, out _);
        if (values.Length != count)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED page holds {values.Length} values where {count} are expected");
        }

        for (var i = 0; i < count; i++)
        {
            dest[at + i] = type == PhysicalType.Int32 ? converter.FromInt32(unchecked((int)values[i])) : converter.FromInt64(values[i]);
        }
    }

    private void CopyRuns(ByteArrayRuns runs, int count, object?[] dest, int at)
    {
        if (runs.Count != count)
        {
            throw new ParquetFormatException($"delta byte-array page holds {runs.Count} values where {count} are expected");
        }

        for (var i = 0; i < count; i++)
        {
            var value = runs[i];
            if (type == PhysicalType.FixedLenByteArray && value.Length != typeLength)
            {
                throw new ParquetFormatException($"fixed-length value {i} has {value.Length} bytes, not {typeLength}");
            }

            dest[at + i] = converter.FromBytes(value);
        }
    }

    /// <summary>BYTE_STREAM_SPLIT (Encodings.md, "= 9"): byte k of value i is at k * count + i.</summary>
    private void DecodeByteStreamSplit(ReadOnlySpan<byte> data, int count, object?[] dest, int at)
    {
        var width = type switch
        {
            PhysicalType.Float or PhysicalType.Int32 => 4,
            PhysicalType.Double or PhysicalType.Int64 => 8,
            _ => typeLength,
        };
        if ((long)width * count > data.Length)
        {
            throw new ParquetFormatException($"BYTE_STREAM_SPLIT page holds {data.Length} bytes, too few for {count} values of {width} bytes");
        }

        Span<byte> one = width <= 64 ? stackalloc byte[width] : new byte[width];
        for (var i = 0; i < count; i++)
        {
            for (var k = 0; k < width; k++)
            {
                one[k] = data[(k * count) + i];
            }

            dest[at + i] = type switch
            {
                PhysicalType.Float => ValueConverter.FromFloat(BinaryPrimitives.ReadSingleLittleEndian(one)),
                PhysicalType.Double => ValueConverter.FromDouble(BinaryPrimitives.ReadDoubleLittleEndian(one)),
                PhysicalType.Int32 => converter.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(one)),
                PhysicalType.Int64 => converter.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(one)),
                _ => converter.FromBytes(one),
            };
        }
    }
}
