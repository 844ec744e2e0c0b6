using System.Buffers.Binary;
using System.Text;

namespace LLaDAV.Eval.Parquet.Thrift;

/// <summary>
/// Reads Thrift compact-protocol values from a byte buffer. Every length and count is checked against the bytes
/// that remain before anything is allocated, so a corrupt footer or page header fails with
/// <see cref="ParquetFormatException"/> instead of an over-read or a huge allocation.
/// </summary>
internal sealed class CompactReader
{
    /// <summary>Nesting limit for skipped structs/lists; Parquet metadata is a few levels deep.</summary>
    private const int MaxDepth = 64;

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _pos;

    public CompactReader(byte[] buffer, int offset, int count)
    {
        _buffer = buffer;
        _pos = offset;
        _end = offset + count;
    }

    public int Position => _pos;

    public int Remaining => _end - _pos;

    public byte ReadByte()
    {
        if (_pos >= _end)
        {
            throw new ParquetFormatException("Thrift data ends early");
        }

        return _buffer[_pos++];
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetFormatException("Thrift varint is longer than 10 bytes");
    }

    public long ReadI64()
    {
        var v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public int ReadI32()
    {
        var v = ReadI64();
        if (v is < int.MinValue or > int.MaxValue)
        {
            throw new ParquetFormatException($"Thrift i32 value {v} is out of range");
        }

        return (int)v;
    }

    public double ReadDouble()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.AsSpan(_pos, 8));
        _pos += 8;
        return v;
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadVarint();
        if (length > (ulong)Remaining)
        {
            throw new ParquetFormatException($"Thrift binary of {length} bytes exceeds the {Remaining} bytes left");
        }

        var span = _buffer.AsSpan(_pos, (int)length);
        _pos += (int)length;
        return span;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBinary());

    /// <summary>Reads a field header; returns false at the struct's STOP byte.</summary>
    public bool ReadFieldHeader(ref short lastFieldId, out short fieldId, out CompactType type)
    {
        var header = ReadByte();
        type = (CompactType)(header & 0x0F);
        if (type == CompactType.Stop)
        {
            fieldId = 0;
            return false;
        }

        var delta = header >> 4;
        if (delta != 0)
        {
            fieldId = (short)(lastFieldId + delta);
        }
        else
        {
            var id = ReadI64();
            if (id is < short.MinValue or > short.MaxValue)
            {
                throw new ParquetFormatException($"Thrift field id {id} is out of range");
            }

            fieldId = (short)id;
        }

        if (type > CompactType.Struct)
        {
            throw new ParquetFormatException($"unknown Thrift type {(int)type} for field {fieldId}");
        }

        lastFieldId = fieldId;
        return true;
    }

    /// <summary>Reads a list/set header; the count is bounded by the bytes left (each element takes at least one byte, except booleans packed in headers, which do not occur in lists).</summary>
    public int ReadListHeader(out CompactType elementType)
    {
        var header = ReadByte();
        elementType = (CompactType)(header & 0x0F);
        long size = header >> 4;
        if (size == 15)
        {
            size = (long)Math.Min(ReadVarint(), int.MaxValue + 1UL);
        }

        if (size > Remaining)
        {
            throw new ParquetFormatException($"Thrift list of {size} elements exceeds the {Remaining} bytes left");
        }

        return (int)size;
    }

    /// <summary>Reads a bool that is a struct field: the value lives in the type nibble.</summary>
    public static bool FieldBool(CompactType type) => type switch
    {
        CompactType.BooleanTrue => true,
        CompactType.BooleanFalse => false,
        _ => throw new ParquetFormatException($"expected a Thrift bool, found type {type}"),
    };

    public void Skip(CompactType type) => Skip(type, 0);

    private void Skip(CompactType type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ParquetFormatException("Thrift data nests too deeply");
        }

        switch (type)
        {
            case CompactType.BooleanTrue:
            case CompactType.BooleanFalse:
                break;
            case CompactType.Byte:
                ReadByte();
                break;
            case CompactType.I16:
            case CompactType.I32:
            case CompactType.I64:
                ReadVarint();
                break;
            case CompactType.Double:
                Need(8);
                _pos += 8;
                break;
            case CompactType.Binary:
                ReadBinary();
                break;
            case CompactType.List:
            case CompactType.Set:
                {
                    var n = ReadListHeader(out var et);
                    for (var i = 0; i < n; i++)
                    {
                        // In lists a bool takes one byte, unlike in field headers.
                        Skip(et is CompactType.BooleanTrue or CompactType.BooleanFalse ? CompactType.Byte : et, depth + 1);
                    }

                    break;
                }

            case CompactType.Map:
                {
                    var n = ReadVarint();
                    if (n > (ulong)Remaining)
                    {
                        throw new ParquetFormatException($"Thrift map of {n} entries exceeds the {Remaining} bytes left");
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    var kv = ReadByte();
                    var kt = (CompactType)(kv >> 4);
                    var vt = (CompactType)(kv & 0x0F);
                    for (var i = 0UL; i < n; i++)
                    {
                        Skip(kt is CompactType.BooleanTrue or CompactType.BooleanFalse ? CompactType.Byte : kt, depth + 1);
                        Skip(vt is CompactType.BooleanTrue or CompactType.BooleanFalse ? CompactType.Byte : vt, depth + 1);
                    }

                    break;
                }

            case CompactType.Struct:
                {
                    short last = 0;
                    while (ReadFieldHeader(ref last, out _, out var ft))
                    {
                        Skip(ft, depth + 1);
                    }

                    break;
                }

            default:
                throw new ParquetFormatException($"unknown Thrift type {(int)type}");
        }
    }

    private void Need(int n)
    {
        if (Remaining < n)
        {
            throw new ParquetFormatException("Thrift data ends early");
        }
    }
}
