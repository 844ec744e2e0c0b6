using LLaDAV.Eval.Media.Processes;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// The catch-all: ffmpeg decodes the first frame (GIF, BMP, TIFF, ..., or PNG/JPEG/WebP when their library is absent)
/// and writes it as PAM in the decoder's native layout. For YUV sources swscale converts to RGB; full-resolution
/// chroma with bicubic interpolation and accurate rounding comes closest to libjpeg's "fancy" upsampling (measured
/// on the test JPEGs: worst byte off by 34 instead of 96, mean 0.8 instead of 1.8).
/// </summary>
internal sealed class FfmpegImageCodec(ExternalTool ffmpeg) : IImageCodec
{
    public string Component => ffmpeg.Name;

    public string DebianPackage => ffmpeg.DebianPackage;

    public bool IsAvailable => ffmpeg.IsAvailable;

    public bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes) => true;

    public DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        var pam = ffmpeg.Run(
            ["-v", "error", "-nostdin", "-noautorotate", "-i", "pipe:0", "-frames:v", "1", "-sws_flags", "bicubic+full_chroma_int+accurate_rnd", "-f", "image2pipe", "-c:v", "pam", "pipe:1"],
            bytes.ToArray());
        var format = ImageFormatSniffer.Detect(bytes);
        var pixels = PamReader.Read(pam, format == ImageFormat.Png && PngChunks.Scan(bytes) is { BitDepth: 16, ColorType: 0 });
        return format == ImageFormat.Gif && pixels.Alpha is { } alpha && GifTransparency.TransparentColour(bytes) is { } key
            ? pixels with { Rgb = Repaint(pixels.Rgb, alpha, key) }
            : pixels;
    }

    private static byte[] Repaint(byte[] rgb, byte[] alpha, (byte R, byte G, byte B) colour)
    {
        var result = (byte[])rgb.Clone();
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] == 0)
            {
                (result[i * 3], result[(i * 3) + 1], result[(i * 3) + 2]) = colour;
            }
        }

        return result;
    }
}
