using LLaDAV.Eval.Parquet.Encodings;

namespace LLaDAV.Eval.Parquet.Tests.Encodings;

/// <summary>The worked examples of parquet-format's Encodings.md, byte for byte.</summary>
public sealed class SpecExampleTests
{
    /// <summary>"Run Length Encoding / Bit-Packing Hybrid": 0..7 at bit width 3 pack to 10001000 11000110 11111010.</summary>
    [Fact]
    public void Bit_packed_run_of_0_to_7_at_width_3()
    {
        // Run header (1 group of 8 values) << 1 | 1 = 3, then the spec's three bytes.
        byte[] data = [0x03, 0b10001000, 0b11000110, 0b11111010];
        var values = new int[8];

        new RleBitPackedDecoder(data, 3).Read(values);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], values);
    }

    [Fact]
    public void Rle_run_repeats_its_value()
    {
        // Run header 5 << 1 = 10 (an RLE run of 5), value 4 in one byte; then an RLE run of 2 zeros.
        byte[] data = [10, 4, 4, 0];
        var values = new int[7];

        new RleBitPackedDecoder(data, 3).Read(values);

        Assert.Equal([4, 4, 4, 4, 4, 0, 0], values);
    }

    [Fact]
    public void Runs_ending_early_are_a_typed_error()
    {
        byte[] data = [10, 4];
        Assert.Throws<ParquetFormatException>(() => new RleBitPackedDecoder(data, 3).Read(new int[6]));
    }

    /// <summary>"Delta Encoding", example 1: 1, 2, 3, 4, 5 (all deltas 1: min delta 1, bit width 0).</summary>
    [Fact]
    public void Delta_binary_packed_example_1()
    {
        // Header: block size 128 (varint 0x80 0x01), 4 miniblocks, 5 values, first value 1 (zigzag 2);
        // block: min delta 1 (zigzag 2), bit widths 0 0 0 0, no packed bytes.
        byte[] data = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0];

        var values = DeltaBinaryPackedDecoder.Decode(data, 5, out var consumed);

        Assert.Equal([1L, 2, 3, 4, 5], values);
        Assert.Equal(data.Length, consumed);
    }

    /// <summary>"Delta Encoding", example 2: 7, 5, 3, 1, 2, 3, 4, 5 (min delta -2, relative deltas 0 0 0 3 3 3 3 in 2 bits).</summary>
    [Fact]
    public void Delta_binary_packed_example_2()
    {
        // Header: 128, 4 miniblocks, 8 values, first value 7 (zigzag 14); block: min delta -2 (zigzag 3), widths 2 0 0 0,
        // then one miniblock of 32 two-bit values (8 bytes): 0 0 0 3 3 3 3 0... packed LSB first.
        byte[] data = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0b11000000, 0b00111111, 0, 0, 0, 0, 0, 0];

        var values = DeltaBinaryPackedDecoder.Decode(data, 8, out var consumed);

        Assert.Equal([7L, 5, 3, 1, 2, 3, 4, 5], values);
        Assert.Equal(data.Length, consumed);
    }

    [Fact]
    public void Delta_header_claiming_more_values_than_the_page_holds_is_refused()
    {
        byte[] data = [0x80, 0x01, 0x04, 0xFF, 0xFF, 0xFF, 0x7F, 0x02];
        Assert.Throws<ParquetFormatException>(() => DeltaBinaryPackedDecoder.Decode(data, 1000, out _));
    }
}
