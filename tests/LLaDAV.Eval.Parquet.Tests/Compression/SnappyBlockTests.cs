using LLaDAV.Eval.Parquet.Compression;

namespace LLaDAV.Eval.Parquet.Tests.Compression;

/// <summary>The reader's Snappy decoder against IronSnappy's encoder (an independent implementation).</summary>
public sealed class SnappyBlockTests
{
    public static TheoryData<string, int> Inputs => new()
    {
        { "random", 0 },
        { "random", 1 },
        { "random", 70_000 },
        { "text", 100 },
        { "text", 200_000 },
        { "runs", 5 },
        { "runs", 300_000 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Decodes_what_IronSnappy_encodes(string kind, int length)
    {
        var data = Make(kind, length);
        var encoded = IronSnappy.Snappy.Encode(data);
        var decoded = new byte[length];

        SnappyBlock.Decode(encoded, decoded);

        Assert.Equal(data, decoded);
    }

    [Fact]
    public void Wrong_declared_length_is_a_typed_error()
    {
        var encoded = IronSnappy.Snappy.Encode(Make("text", 1000));
        Assert.Throws<ParquetFormatException>(() => SnappyBlock.Decode(encoded, new byte[999]));
    }

    [Fact]
    public void Copy_before_the_start_is_a_typed_error()
    {
        // Preamble 8, then a 1-byte-offset copy (tag 01) of 4 bytes from offset 5 with nothing written yet.
        byte[] corrupt = [8, 0b000_000_01, 5];
        Assert.Throws<ParquetFormatException>(() => SnappyBlock.Decode(corrupt, new byte[8]));
    }

    private static byte[] Make(string kind, int length)
    {
        var random = new Random(length + kind.Length);
        var data = new byte[length];
        switch (kind)
        {
            case "random":
                random.NextBytes(data);
                break;
            case "text":
                var words = "the quick brown fox jumps over a lazy dog while parquet pages compress "u8.ToArray();
                for (var i = 0; i < length; i++)
                {
                    data[i] = words[(i * 7 + (i / 50)) % words.Length];
                }

                break;
            default:
                for (var i = 0; i < length; i++)
                {
                    data[i] = (byte)(i / 1000 % 3);
                }

                break;
        }

        return data;
    }
}
