using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Parquet.Tests;

/// <summary>
/// Deterministically corrupted copies of conformance files (bytes flipped in pages and footers, files cut short)
/// must either read or fail with <see cref="ParquetFormatException"/>: never another exception, a hang or a huge
/// allocation.
/// </summary>
public sealed class CorruptionTests
{
    public static TheoryData<string> Sources => new()
    {
        "alltypes_plain.snappy.parquet",
        "alltypes_dictionary.parquet",
        "datapage_v2.snappy.parquet",
        "delta_byte_array.parquet",
        "delta_length_byte_array.parquet",
        "nested_maps.snappy.parquet",
        "nullable.impala.parquet",
        "byte_stream_split.zstd.parquet",
        "lz4_raw_compressed.parquet",
        "hadoop_lz4_compressed.parquet",
        "concatenated_gzip_members.parquet",
        "rle_boolean_encoding.parquet",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Corrupted_file_reads_or_fails_typed(string name)
    {
        var original = File.ReadAllBytes(TestPaths.InTestData("parquet-testing", "data", name));
        var random = new Random(name.Length * 7919);
        var path = Path.Combine(Path.GetTempPath(), $"llada-parquet-corrupt-{Environment.ProcessId}-{name}");
        try
        {
            for (var trial = 0; trial < 60; trial++)
            {
                var bytes = (byte[])original.Clone();
                if (trial % 10 == 9)
                {
                    bytes = bytes[..random.Next(1, bytes.Length)];
                }
                else
                {
                    for (var k = 0; k < 1 + (trial % 4); k++)
                    {
                        var at = random.Next(4, Math.Max(5, bytes.Length - 4));
                        bytes[at] = trial % 3 == 0 ? (byte)random.Next(256) : (byte)(bytes[at] ^ (1 << random.Next(8)));
                    }
                }

                File.WriteAllBytes(path, bytes);
                try
                {
                    using var file = ParquetFile.Open(path);
                    foreach (var row in file.ReadRows())
                    {
                        GC.KeepAlive(row);
                    }
                }
                catch (ParquetFormatException e)
                {
                    // The typed error is one of the two allowed outcomes, and it must come from the decoders' own
                    // checks, not from the last-resort net that wraps runtime exceptions ("corrupt data (...)").
                    Assert.False(e.Message.StartsWith("corrupt data (", StringComparison.Ordinal), e.ToString());
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
