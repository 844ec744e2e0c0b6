using System.Buffers.Binary;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Tests.Oracles;

namespace LLaDAV.Eval.Media.Tests.Images;

public sealed class DecoderErrorTests
{
    public static TheoryData<string> Cases() => new(ImageManifest.Cases.Select(c => c.Name).Where(n => n != "tiny.png"));

    [Theory]
    [InlineData("rgb.png", ImageFormat.Png)]
    [InlineData("progressive.jpg", ImageFormat.Jpeg)]
    [InlineData("lossy.webp", ImageFormat.WebP)]
    [InlineData("lossless.webp", ImageFormat.WebP)]
    [InlineData("anim.gif", ImageFormat.Gif)]
    [InlineData("plain.bmp", ImageFormat.Bmp)]
    public void Format_is_sniffed_from_magic_bytes(string name, ImageFormat format) =>
        Assert.Equal(format, ImageFormatSniffer.Detect(File.ReadAllBytes(ImageManifest.Case(name).InputPath)));

    [Fact]
    public void A_misleading_file_name_does_not_matter()
    {
        var c = ImageManifest.Case("rgb.png");
        var disguised = Path.Combine(Path.GetTempPath(), $"lladav-media-{Guid.NewGuid():N}.jpg");
        File.Copy(c.InputPath, disguised);
        try
        {
            Assert.Equal(ImageManifest.Pixels(c.DecodedRgb), ImageDecoder.DecodeFile(disguised).Pixels);
        }
        finally
        {
            File.Delete(disguised);
        }
    }

    /// <summary>
    /// PIL raises on a truncated file (<c>ImageFile.LOAD_TRUNCATED_IMAGES</c> is off by default), so must we: Skia would
    /// otherwise hand back the decoded rows with the rest filled in. Every format, cut at half and near the header.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Truncated_file_is_one_media_exception_naming_the_file(string name)
    {
        var bytes = File.ReadAllBytes(ImageManifest.Case(name).InputPath);
        foreach (var keep in new[] { bytes.Length / 2, Math.Min(bytes.Length - 1, 40) })
        {
            var path = TempFile(name, bytes[..keep]);
            try
            {
                var e = Assert.Throws<MediaException>(() => ImageDecoder.DecodeFile(path));
                Assert.Equal(path, e.MediaPath);
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// Bit flips after the signature (a deterministic fuzz, 40 variants a file): each either decodes to an image of the
    /// header's size or fails with our <see cref="MediaException"/>; never another exception type or a crash.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Bit_flipped_file_decodes_or_is_a_media_exception(string name)
    {
        var original = File.ReadAllBytes(ImageManifest.Case(name).InputPath);
        var random = new Random(name.Length * 7919);
        for (var variant = 0; variant < 40; variant++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = 0; flips < 1 + (variant % 4); flips++)
            {
                var at = random.Next(8, bytes.Length);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                var image = ImageDecoder.Decode(bytes);
                Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
            }
            catch (MediaException e)
            {
                Assert.StartsWith("Cannot decode", e.Message, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A 100000×100000 PNG header (tiny file, 40 GB of pixels) is refused before anything is allocated, as PIL's bomb check does.</summary>
    [Fact]
    public void Decompression_bomb_header_is_refused()
    {
        var png = PngWriter.Encode(1, 1, 8, 2, [1, 2, 3]);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), PngWriter.Crc32(png.AsSpan(12, 4), png.AsSpan(16, 13)));
        var e = Assert.Throws<MediaException>(() => ImageDecoder.Decode(png));
        Assert.Contains("100000x100000", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// PIL's <c>Image.open</c> does not apply EXIF orientation and lmms-eval never calls <c>ImageOps.exif_transpose</c>:
    /// a JPEG tagged "rotate 90° CW" (orientation 6) decodes to the stored pixels, i.e. PIL's decode of the untagged file.
    /// </summary>
    [Fact]
    public void Exif_orientation_is_not_applied()
    {
        var c = ImageManifest.Case("baseline420.jpg");
        var jpeg = File.ReadAllBytes(c.InputPath);
        byte[] exif =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // TIFF header, big-endian, IFD0 at 8
            0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // Orientation = 6
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        var tagged = jpeg[..2].Concat(exif).Concat(jpeg[2..]).ToArray();
        var image = ImageDecoder.Decode(tagged);
        Assert.Equal((c.Width, c.Height), (image.Width, image.Height));
        Assert.Equal(ImageManifest.Pixels(c.DecodedRgb), image.Pixels);
    }

    [Fact]
    public void Corrupt_png_is_a_media_exception()
    {
        var bytes = File.ReadAllBytes(ImageManifest.Case("rgb.png").InputPath)[..200];
        Assert.Throws<MediaException>(() => ImageDecoder.Decode(bytes));
    }

    [Fact]
    public void Corrupt_jpeg_header_is_a_media_exception() =>
        Assert.Throws<MediaException>(() => ImageDecoder.Decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 1, 2, 3]));

    [Fact]
    public void Unrecognised_bytes_are_a_media_exception()
    {
        var e = Assert.Throws<MediaException>(() => ImageDecoder.Decode("definitely not an image"u8));
        Assert.Contains("not recognised", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var e = Assert.Throws<MediaException>(() => ImageDecoder.DecodeFile("/nonexistent/picture.png"));
        Assert.Equal("/nonexistent/picture.png", e.MediaPath);
        Assert.Contains("/nonexistent/picture.png", e.Message, StringComparison.Ordinal);
    }

    private static string TempFile(string name, byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lladav-media-{Guid.NewGuid():N}-{name}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
