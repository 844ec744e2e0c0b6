using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using LLaDAV.Eval.Parquet.Metadata;
using LLaDAV.Eval.Parquet.Schema;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// Turns a leaf's physical values into the CLR values rows carry, following the column's logical type
/// (LogicalTypes.md) or, for files that have none, its converted type. See <see cref="ParquetFile"/> for the table.
/// </summary>
internal sealed class ValueConverter
{
    private const long UnixEpochJulianDay = 2_440_588;
    private static readonly DateOnly s_epochDate = DateOnly.FromDateTime(DateTime.UnixEpoch);

    private readonly Kind _kind;
    private readonly int _scale;
    private readonly long _unitTicksDivisor;
    private readonly long _unitTicksMultiplier;
    private readonly DateTimeKind _dateTimeKind;

    public ValueConverter(SchemaField leaf)
    {
        var lt = leaf.LogicalType;
        var ct = leaf.ConvertedType;
        var pt = leaf.PhysicalType!.Value;
        _dateTimeKind = DateTimeKind.Unspecified;
        var unit = TimeUnit.Millis;
        _kind = Kind.Raw;
        if (lt is { Kind: LogicalTypeKind.Decimal } || ct == ConvertedType.Decimal)
        {
            _kind = Kind.Decimal;
            _scale = lt is { Kind: LogicalTypeKind.Decimal } ? lt.Scale : leaf.Element.Scale;
            if (_scale < 0)
            {
                throw new ParquetFormatException($"decimal column '{leaf.Path}' has negative scale {_scale}");
            }
        }
        else if (lt is { Kind: LogicalTypeKind.Timestamp })
        {
            _kind = Kind.Timestamp;
            unit = lt.Unit;
            _dateTimeKind = lt.IsAdjustedToUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified;
        }
        else if (ct is ConvertedType.TimestampMillis or ConvertedType.TimestampMicros)
        {
            // Converted timestamps are defined as UTC-adjusted (LogicalTypes.md, "Timestamp" compatibility).
            _kind = Kind.Timestamp;
            unit = ct == ConvertedType.TimestampMillis ? TimeUnit.Millis : TimeUnit.Micros;
            _dateTimeKind = DateTimeKind.Utc;
        }
        else if (lt is { Kind: LogicalTypeKind.Time })
        {
            _kind = Kind.Time;
            unit = lt.Unit;
        }
        else if (ct is ConvertedType.TimeMillis or ConvertedType.TimeMicros)
        {
            _kind = Kind.Time;
            unit = ct == ConvertedType.TimeMillis ? TimeUnit.Millis : TimeUnit.Micros;
        }
        else if (lt is { Kind: LogicalTypeKind.Date } || ct == ConvertedType.Date)
        {
            _kind = Kind.Date;
        }
        else if (lt is { Kind: LogicalTypeKind.Integer })
        {
            _kind = !lt.IsSigned && lt.BitWidth == 64 ? Kind.UInt64 : !lt.IsSigned && lt.BitWidth == 32 ? Kind.UInt32 : Kind.Raw;
        }
        else if (ct == ConvertedType.Uint64)
        {
            _kind = Kind.UInt64;
        }
        else if (ct == ConvertedType.Uint32)
        {
            _kind = Kind.UInt32;
        }
        else if (lt is { Kind: LogicalTypeKind.String or LogicalTypeKind.Enum or LogicalTypeKind.Json } || ct is ConvertedType.Utf8 or ConvertedType.Enum or ConvertedType.Json)
        {
            _kind = Kind.String;
        }
        else if (lt is { Kind: LogicalTypeKind.Float16 } && pt == Metadata.PhysicalType.FixedLenByteArray && leaf.Element.TypeLength == 2)
        {
            _kind = Kind.Float16;
        }
        else if (lt is { Kind: LogicalTypeKind.Uuid } && pt == Metadata.PhysicalType.FixedLenByteArray && leaf.Element.TypeLength == 16)
        {
            _kind = Kind.Uuid;
        }

        (_unitTicksMultiplier, _unitTicksDivisor) = unit switch
        {
            TimeUnit.Millis => (TimeSpan.TicksPerMillisecond, 1L),
            TimeUnit.Micros => (TimeSpan.TicksPerMicrosecond, 1L),
            _ => (1L, 100L),
        };
    }

    private enum Kind
    {
        Raw,
        String,
        Decimal,
        Timestamp,
        Time,
        Date,
        UInt32,
        UInt64,
        Float16,
        Uuid,
    }

    public object FromInt32(int v) => _kind switch
    {
        Kind.Decimal => ToDecimal(v),
        Kind.Date => DateFromDays(v),
        Kind.Time => new TimeSpan(v * _unitTicksMultiplier / _unitTicksDivisor),
        Kind.UInt32 or Kind.UInt64 => (long)(uint)v,
        _ => v,
    };

    public object FromInt64(long v) => _kind switch
    {
        Kind.Decimal => ToDecimal(v),
        Kind.Timestamp => Timestamp(v),
        Kind.Time => new TimeSpan(v / _unitTicksDivisor * _unitTicksMultiplier),
        Kind.UInt64 => (ulong)v,
        _ => v,
    };

    /// <summary>INT96 timestamps (deprecated): 8 bytes nanoseconds of day, then 4 bytes Julian day, little-endian.</summary>
    public object FromInt96(ReadOnlySpan<byte> v)
    {
        var nanos = BinaryPrimitives.ReadInt64LittleEndian(v);
        var julian = BinaryPrimitives.ReadInt32LittleEndian(v[8..]);
        var ticks = (Int128)(julian - UnixEpochJulianDay) * TimeSpan.TicksPerDay + nanos / 100;
        var max = (Int128)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks);
        var min = (Int128)(-DateTime.UnixEpoch.Ticks);
        if (ticks < min || ticks > max)
        {
            return (long)((julian - UnixEpochJulianDay) * 86_400_000_000_000L + nanos);
        }

        return new DateTime(DateTime.UnixEpoch.Ticks + (long)ticks, DateTimeKind.Utc);
    }

    public static object FromFloat(float v) => v;

    public static object FromDouble(double v) => v;

    public object FromBytes(ReadOnlySpan<byte> v) => _kind switch
    {
        Kind.String => Encoding.UTF8.GetString(v),
        Kind.Decimal => DecimalFromBigEndian(v),
        Kind.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(v),
        Kind.Uuid => new Guid(v, bigEndian: true),
        _ => v.ToArray(),
    };

    private object DateFromDays(int days)
    {
        var min = DateOnly.MinValue.DayNumber - s_epochDate.DayNumber;
        var max = DateOnly.MaxValue.DayNumber - s_epochDate.DayNumber;
        return days < min || days > max ? days : s_epochDate.AddDays(days);
    }

    private object Timestamp(long v)
    {
        // Floor division keeps pre-1970 nanosecond values on the right tick.
        var ticks = (Int128)v * _unitTicksMultiplier;
        if (_unitTicksDivisor != 1)
        {
            var (q, r) = Int128.DivRem(ticks, _unitTicksDivisor);
            ticks = r < 0 ? q - 1 : q;
        }

        var total = ticks + DateTime.UnixEpoch.Ticks;
        if (total < 0 || total > DateTime.MaxValue.Ticks)
        {
            // Outside year 1..9999: DateTime cannot hold it, so the stored count is returned unchanged.
            return v;
        }

        return new DateTime((long)total, _dateTimeKind);
    }

    private object ToDecimal(long unscaled) => ScaleDecimal(new BigInteger(unscaled));

    private object DecimalFromBigEndian(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? 0m : ScaleDecimal(new BigInteger(bytes, isUnsigned: false, isBigEndian: true));

    /// <summary>A <see cref="decimal"/> when the value fits its 96-bit mantissa and 28-digit scale, else its exact text.</summary>
    private object ScaleDecimal(BigInteger unscaled)
    {
        var magnitude = BigInteger.Abs(unscaled);
        if (_scale <= 28 && magnitude.GetBitLength() <= 96)
        {
            Span<byte> b = stackalloc byte[12];
            b.Clear();
            magnitude.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: false);
            return new decimal(
                BinaryPrimitives.ReadInt32LittleEndian(b),
                BinaryPrimitives.ReadInt32LittleEndian(b[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(b[8..]),
                unscaled.Sign < 0,
                (byte)_scale);
        }

        var digits = magnitude.ToString(CultureInfo.InvariantCulture).PadLeft(_scale + 1, '0');
        var text = _scale == 0 ? digits : $"{digits[..^_scale]}.{digits[^_scale..]}";
        return unscaled.Sign < 0 ? "-" + text : text;
    }
}
