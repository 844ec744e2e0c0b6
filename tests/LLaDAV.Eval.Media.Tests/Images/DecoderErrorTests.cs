using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Images.Codecs;
using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Tests.Oracles;

namespace LLaDAV.Eval.Media.Tests.Images;

public sealed class DecoderErrorTests
{
    private static readonly ExternalTool s_noFfmpeg = new("ffmpeg", "ffmpeg", "/nonexistent/ffmpeg");

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

    [Fact]
    public void Missing_library_and_missing_ffmpeg_name_both_packages()
    {
        var codecs = new ImageCodecSet([new AbsentLibrary()], new FfmpegImageCodec(s_noFfmpeg));
        var e = Assert.Throws<MediaException>(() => codecs.Decode(File.ReadAllBytes(ImageManifest.Case("rgb.png").InputPath)));
        Assert.Equal("libpng16-16", e.MissingPackage);
        Assert.Contains("Debian package libpng16-16", e.Message, StringComparison.Ordinal);
        Assert.Contains("Debian package ffmpeg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_library_falls_back_to_ffmpeg()
    {
        var c = ImageManifest.Case("palette.png");
        var codecs = new ImageCodecSet([new AbsentLibrary()], new FfmpegImageCodec(ExternalTool.Ffmpeg));
        Assert.Equal(ImageManifest.Pixels(c.DecodedRgb), codecs.Decode(File.ReadAllBytes(c.InputPath)).Rgb);
    }

    [Fact]
    public void Gif_without_ffmpeg_names_the_ffmpeg_package()
    {
        var codecs = new ImageCodecSet([new LibPngCodec(), new TurboJpegCodec(), new LibWebPCodec()], new FfmpegImageCodec(s_noFfmpeg));
        var e = Assert.Throws<MediaException>(() => codecs.Decode(File.ReadAllBytes(ImageManifest.Case("anim.gif").InputPath)));
        Assert.Equal("ffmpeg", e.MissingPackage);
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
    public void Unrecognised_bytes_are_a_media_exception() =>
        Assert.Throws<MediaException>(() => ImageDecoder.Decode("definitely not an image"u8));

    [Fact]
    public void Missing_file_names_the_path()
    {
        var e = Assert.Throws<MediaException>(() => ImageDecoder.DecodeFile("/nonexistent/picture.png"));
        Assert.Equal("/nonexistent/picture.png", e.MediaPath);
        Assert.Contains("/nonexistent/picture.png", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A PNG library that is not installed.</summary>
    private sealed class AbsentLibrary : IImageCodec
    {
        public string Component => "libpng16.so.16";

        public string DebianPackage => "libpng16-16";

        public bool IsAvailable => false;

        public bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes) => format == ImageFormat.Png;

        public DecodedPixels Decode(ReadOnlySpan<byte> bytes) => throw new InvalidOperationException("not installed");
    }
}
