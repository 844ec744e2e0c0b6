using LLaDAV.Eval.Parquet.Compression;

namespace LLaDAV.Eval.Parquet.Tests.Compression;

public sealed class ZstdNativeTests
{
    [Fact]
    public void Missing_library_names_the_Debian_package()
    {
        var e = Assert.Throws<ParquetFormatException>(() => ZstdNative.Load(["libzstd-not-installed-here.so.9"]));
        Assert.Contains("libzstd1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_frame_is_a_typed_error()
    {
        // A frame magic followed by garbage: libzstd reports an error, which must surface as the typed exception.
        byte[] corrupt = [0x28, 0xB5, 0x2F, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01];
        Assert.Throws<ParquetFormatException>(() => ZstdNative.Decode(corrupt, new byte[100]));
    }
}
