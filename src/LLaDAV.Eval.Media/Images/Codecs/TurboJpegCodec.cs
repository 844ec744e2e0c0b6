using LLaDAV.Eval.Media.Interop;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// JPEG through libturbojpeg, the same libjpeg-turbo that Debian's PIL links, with PIL's colour handling:
/// grey stays grey (then replicated), CMYK/YCCK come out as CMYK and are converted the way PIL does.
/// </summary>
internal sealed class TurboJpegCodec : IImageCodec
{
    public string Component => "libturbojpeg.so.0";

    public string DebianPackage => "libturbojpeg0";

    public bool IsAvailable => LibTurboJpeg.Instance is not null;

    public bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes) => format == ImageFormat.Jpeg;

    public DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        var jpeg = LibTurboJpeg.Instance ?? throw new InvalidOperationException("libturbojpeg is not loaded.");
        var (width, height, pixelFormat, buffer) = jpeg.Decode(bytes, colorspace => colorspace switch
        {
            LibTurboJpeg.ColorspaceGray => LibTurboJpeg.PixelFormatGray,
            LibTurboJpeg.ColorspaceCmyk or LibTurboJpeg.ColorspaceYcck => LibTurboJpeg.PixelFormatCmyk,
            _ => LibTurboJpeg.PixelFormatRgb,
        });

        return pixelFormat switch
        {
            LibTurboJpeg.PixelFormatGray => DecodedPixels.FromGray(width, height, buffer),
            LibTurboJpeg.PixelFormatCmyk => new DecodedPixels(width, height, PilCmyk.AdobeToRgb(buffer), null),
            _ => new DecodedPixels(width, height, buffer, null),
        };
    }
}
