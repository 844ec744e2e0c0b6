namespace LLaDAV.Eval.Parquet.Encodings;

/// <summary>
/// Byte-array values of a page as (offset, length) pairs into one buffer, so decoders need not allocate an array
/// per value; the column reader converts each to a string or byte[] once.
/// </summary>
internal readonly record struct ByteArrayRuns(byte[] Buffer, int[] Offsets, int[] Lengths, int Count)
{
    public ReadOnlySpan<byte> this[int i] => Buffer.AsSpan(Offsets[i], Lengths[i]);
}

/// <summary>
/// DELTA_LENGTH_BYTE_ARRAY (Encodings.md, "= 6": lengths DELTA_BINARY_PACKED, then the concatenated bytes) and
/// DELTA_BYTE_ARRAY (Encodings.md, "= 7": prefix lengths DELTA_BINARY_PACKED, then the suffixes as
/// DELTA_LENGTH_BYTE_ARRAY; each value is the previous value's prefix followed by its suffix).
/// </summary>
internal static class DeltaByteArrayDecoder
{
    public static ByteArrayRuns DecodeLengths(byte[] page, int start, int end, int maxCount, out int consumed)
    {
        var span = page.AsSpan(start, end - start);
        var lengths = DeltaBinaryPackedDecoder.Decode(span, maxCount, out var used);
        var offsets = new int[lengths.Length];
        var lens = new int[lengths.Length];
        long pos = start + used;
        for (var i = 0; i < lengths.Length; i++)
        {
            var len = lengths[i];
            if (len < 0 || pos + len > end)
            {
                throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY value {i} of length {len} extends past the end of the page");
            }

            offsets[i] = (int)pos;
            lens[i] = (int)len;
            pos += len;
        }

        consumed = (int)(pos - start);
        return new ByteArrayRuns(page, offsets, lens, lengths.Length);
    }

    public static ByteArrayRuns DecodeIncremental(byte[] page, int start, int end, int maxCount)
    {
        var prefixes = DeltaBinaryPackedDecoder.Decode(page.AsSpan(start, end - start), maxCount, out var used);
        var suffixes = DecodeLengths(page, start + used, end, maxCount, out _);
        if (suffixes.Count != prefixes.Length)
        {
            throw new ParquetFormatException($"DELTA_BYTE_ARRAY has {prefixes.Length} prefixes but {suffixes.Count} suffixes");
        }

        long totalLength = 0;
        long previous = 0;
        for (var i = 0; i < prefixes.Length; i++)
        {
            if (prefixes[i] < 0 || prefixes[i] > previous)
            {
                throw new ParquetFormatException($"DELTA_BYTE_ARRAY prefix length {prefixes[i]} exceeds the previous value's length {previous}");
            }

            previous = prefixes[i] + suffixes.Lengths[i];
            totalLength += previous;
            if (totalLength > Array.MaxLength)
            {
                throw new ParquetFormatException("DELTA_BYTE_ARRAY values expand beyond 2 GB");
            }
        }

        var buffer = new byte[totalLength];
        var offsets = new int[prefixes.Length];
        var lengths = new int[prefixes.Length];
        var at = 0;
        for (var i = 0; i < prefixes.Length; i++)
        {
            var prefix = (int)prefixes[i];
            if (i > 0)
            {
                buffer.AsSpan(offsets[i - 1], prefix).CopyTo(buffer.AsSpan(at));
            }

            suffixes[i].CopyTo(buffer.AsSpan(at + prefix));
            offsets[i] = at;
            lengths[i] = prefix + suffixes.Lengths[i];
            at += lengths[i];
        }

        return new ByteArrayRuns(buffer, offsets, lengths, prefixes.Length);
    }
}
