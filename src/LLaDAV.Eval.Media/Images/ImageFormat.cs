namespace LLaDAV.Eval.Media.Images;

/// <summary>An encoded image container, as recognised from its leading bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Png,
    Jpeg,
    WebP,
    Gif,
    Bmp,
}

/// <summary>Format detection from magic bytes (file names and extensions are not trusted: dataset bytes often lie).</summary>
public static class ImageFormatSniffer
{
    public static ImageFormat Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        return bytes.StartsWith("BM"u8) && bytes.Length >= 26 ? ImageFormat.Bmp : ImageFormat.Unknown;
    }
}
