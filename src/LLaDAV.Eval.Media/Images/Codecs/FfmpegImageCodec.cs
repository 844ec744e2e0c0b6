using LLaDAV.Eval.Media.Processes;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// The catch-all: ffmpeg decodes the first frame (GIF, BMP, TIFF, ..., or PNG/JPEG/WebP when their library is absent)
/// and writes it as PAM in the decoder's native layout.
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
            ["-v", "error", "-nostdin", "-i", "pipe:0", "-frames:v", "1", "-f", "image2pipe", "-c:v", "pam", "pipe:1"],
            bytes.ToArray());
        return PamReader.Read(pam);
    }
}
