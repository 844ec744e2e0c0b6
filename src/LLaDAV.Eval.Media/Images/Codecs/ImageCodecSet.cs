using LLaDAV.Eval.Media.Processes;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// Picks the decoder for some bytes: the first available library codec that handles the sniffed format, else the
/// ffmpeg fallback; when neither is installed the error names every package that would have worked.
/// </summary>
internal sealed class ImageCodecSet(IReadOnlyList<IImageCodec> libraries, IImageCodec fallback)
{
    public static ImageCodecSet Default { get; } = new(
        [new LibPngCodec(), new TurboJpegCodec(), new LibWebPCodec()],
        new FfmpegImageCodec(ExternalTool.Ffmpeg));

    public DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new MediaException("The image data is empty.");
        }

        var format = ImageFormatSniffer.Detect(bytes);
        IImageCodec? missing = null;
        foreach (var codec in libraries)
        {
            if (!codec.Handles(format, bytes))
            {
                continue;
            }

            if (codec.IsAvailable)
            {
                return codec.Decode(bytes);
            }

            missing ??= codec;
        }

        if (fallback.IsAvailable)
        {
            return fallback.Decode(bytes);
        }

        var what = format == ImageFormat.Unknown ? "this image (unrecognised format)" : $"this {format.ToString().ToUpperInvariant()} image";
        var message = missing is null
            ? $"Cannot decode {what}: it needs the {fallback.Component} program, which is not installed (Debian package {fallback.DebianPackage})."
            : $"Cannot decode {what}: {missing.Component} is not installed (Debian package {missing.DebianPackage}) and neither is the {fallback.Component} fallback (Debian package {fallback.DebianPackage}).";
        throw new MediaException(message) { MissingPackage = (missing ?? fallback).DebianPackage };
    }
}
