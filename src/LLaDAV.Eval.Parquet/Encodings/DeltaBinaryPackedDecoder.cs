namespace LLaDAV.Eval.Parquet.Encodings;

/// <summary>
/// DELTA_BINARY_PACKED (Parquet Encodings.md, "Delta Encoding (DELTA_BINARY_PACKED = 5)"): header
/// &lt;block size&gt; &lt;miniblocks per block&gt; &lt;total count&gt; &lt;first value (zigzag)&gt;, then blocks of
/// &lt;min delta (zigzag)&gt; &lt;one bit width byte per miniblock&gt; &lt;miniblocks&gt;. Arithmetic wraps, as the spec
/// requires for INT32/INT64 deltas that overflow.
/// </summary>
internal static class DeltaBinaryPackedDecoder
{
    /// <summary>
    /// Decodes all values into a new array. <paramref name="maxCount"/> bounds the header's total count (values a
    /// page can hold) so a corrupt header cannot force a large allocation. <paramref name="consumed"/> is where the
    /// encoded data ends, which DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY need.
    /// </summary>
    public static long[] Decode(ReadOnlySpan<byte> data, int maxCount, out int consumed)
    {
        var pos = 0;
        var blockSize = ReadUVarint(data, ref pos);
        var miniblocks = ReadUVarint(data, ref pos);
        var total = ReadUVarint(data, ref pos);
        var first = ReadZigZag(data, ref pos);
        if (blockSize == 0 || blockSize % 128 != 0 || miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0 || blockSize > 1 << 20)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED header has block size {blockSize} with {miniblocks} miniblocks, which the spec forbids");
        }

        if (total > (ulong)maxCount)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED header claims {total} values where at most {maxCount} can be present");
        }

        var count = (int)total;
        var result = new long[count];
        if (count == 0)
        {
            consumed = pos;
            return result;
        }

        result[0] = first;
        var perMini = (int)(blockSize / miniblocks);
        var widths = new byte[(int)miniblocks];
        var deltas = new long[perMini];
        var filled = 1;
        var last = first;
        while (filled < count)
        {
            var minDelta = ReadZigZag(data, ref pos);
            if (pos + widths.Length > data.Length)
            {
                throw new ParquetFormatException("DELTA_BINARY_PACKED bit widths extend past the end of the page");
            }

            data.Slice(pos, widths.Length).CopyTo(widths);
            pos += widths.Length;
            for (var m = 0; m < widths.Length && filled < count; m++)
            {
                int width = widths[m];
                if (width > 64)
                {
                    throw new ParquetFormatException($"DELTA_BINARY_PACKED miniblock bit width {width} exceeds 64");
                }

                var bytes = perMini * width / 8;
                var take = Math.Min(perMini, count - filled);
                var needed = ((long)take * width + 7) / 8;
                if (pos + needed > data.Length)
                {
                    throw new ParquetFormatException("DELTA_BINARY_PACKED miniblock extends past the end of the page");
                }

                BitUnpacker.Unpack64(data[pos..], width, deltas.AsSpan(0, take));
                for (var i = 0; i < take; i++)
                {
                    last = unchecked(last + minDelta + deltas[i]);
                    result[filled++] = last;
                }

                // A writer pads the last miniblock to full size; the spec lets it omit later empty miniblocks.
                pos = (int)Math.Min(data.Length, pos + (long)bytes);
            }
        }

        consumed = pos;
        return result;
    }

    private static ulong ReadUVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new ParquetFormatException("DELTA_BINARY_PACKED varint ends early");
            }

            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetFormatException("DELTA_BINARY_PACKED varint is too long");
    }

    private static long ReadZigZag(ReadOnlySpan<byte> data, ref int pos)
    {
        var v = ReadUVarint(data, ref pos);
        return (long)(v >> 1) ^ -(long)(v & 1);
    }
}
