using LLaDAV.Eval.Media.Images.Codecs;

namespace LLaDAV.Eval.Media.Images;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF (first frame), BMP and anything else ffmpeg reads into <see cref="RgbImage"/>, with the
/// pixels PIL 9.4 gives for <c>Image.open(...).convert("RGB")</c> (or HF's white-composited <c>convert_to_rgb</c>).
/// </summary>
public static class ImageDecoder
{
    /// <exception cref="MediaException">The bytes are not a decodable image, or no installed decoder handles them.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> bytes, AlphaMode mode = AlphaMode.Drop) =>
        ImageCodecSet.Default.Decode(bytes).ToRgb(mode);

    /// <exception cref="MediaException">The file is missing or unreadable, or its content cannot be decoded.</exception>
    public static RgbImage DecodeFile(string path, AlphaMode mode = AlphaMode.Drop)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaException($"Cannot read the image file '{path}': {e.Message}", e) { MediaPath = path };
        }

        try
        {
            return Decode(bytes, mode);
        }
        catch (MediaException e) when (e.MediaPath is null)
        {
            throw new MediaException($"{e.Message} (file '{path}')", e) { MediaPath = path, MissingPackage = e.MissingPackage };
        }
    }
}
