using LLaDAV.Eval.Media.Images.Codecs;

namespace LLaDAV.Eval.Media.Images;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF (first frame) and BMP into <see cref="RgbImage"/>, with the pixels PIL 9.4 gives for
/// <c>Image.open(...).convert("RGB")</c> (or HF's white-composited <c>convert_to_rgb</c>). SkiaSharp's codecs, which
/// ship in its NuGet natives, do the decoding, so no system package is needed.
/// </summary>
public static class ImageDecoder
{
    /// <exception cref="MediaException">The bytes are not a decodable image (unknown format, corrupt or truncated data).</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> bytes, AlphaMode mode = AlphaMode.Drop)
    {
        if (bytes.Length > InputLimits.Current.MaxImageBytes)
        {
            throw new MediaException($"Cannot decode this image: it is {bytes.Length} bytes. {InputLimits.RaiseHint("LLADAV_MAX_IMAGE_BYTES", InputLimits.Current.MaxImageBytes)}");
        }

        try
        {
            return SkiaImageCodec.Decode(bytes).ToRgb(mode);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new MediaException(
                $"SkiaSharp's native library (libSkiaSharp, from the NuGet package SkiaSharp.NativeAssets.Linux.NoDependencies) could not be loaded for this platform: {e.Message}", e);
        }
    }

    /// <exception cref="MediaException">The file is missing or unreadable, or its content cannot be decoded.</exception>
    public static RgbImage DecodeFile(string path, AlphaMode mode = AlphaMode.Drop)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            // A regular file of bounded size only: /dev/zero or a FIFO named as an image must not grow or block (issue 23 §3).
            bytes = BoundedFile.ReadAllBytes(path, "image file", InputLimits.Current.MaxImageBytes, "LLADAV_MAX_IMAGE_BYTES");
        }
        catch (InputLimitException e)
        {
            throw new MediaException(e.Message, e) { MediaPath = path };
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
