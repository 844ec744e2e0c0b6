using SkiaSharp;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// Every still format (PNG, JPEG, WebP, GIF first frame, BMP, ICO, WBMP) through Skia's codecs, shipped in the
/// SkiaSharp NuGet natives (libjpeg-turbo, libpng, libwebp, Skia's own GIF/BMP), so decoding needs no system package.
/// Decoded to RGBA8888 unpremultiplied with no destination colour space: Skia then applies no colour management
/// (gAMA, sRGB, iCCP are ignored), which is what PIL's <c>Image.open</c> does. PIL's rules where it differs are
/// applied on top: 16-bit samples (<see cref="Pil16Bit"/>) and a GIF's transparent index (<see cref="GifTransparency"/>).
/// EXIF orientation is reported by Skia but not applied by <c>GetPixels</c>, as PIL's <c>Image.open</c> leaves it
/// (lmms-eval never calls <c>ImageOps.exif_transpose</c>).
/// </summary>
internal static class SkiaImageCodec
{
    /// <summary>
    /// PIL's decompression-bomb limit (Image.py <c>_decompression_bomb_check</c>): above 2 × MAX_IMAGE_PIXELS
    /// (89 478 485) <c>Image.open</c> raises <c>DecompressionBombError</c>; a crafted header must not make us allocate more.
    /// The default of <see cref="InputLimits.MaxPixels"/>, which LLADAV_MAX_PIXELS raises.
    /// </summary>
    public static long MaxPixels => InputLimits.Current.MaxPixels;

    public static unsafe DecodedPixels Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new MediaException("The image data is empty.");
        }

        var format = ImageFormatSniffer.Detect(bytes);
        var what = format == ImageFormat.Unknown ? "this image" : $"this {format.ToString().ToUpperInvariant()} image";
        fixed (byte* p = bytes)
        {
            using var data = SKData.Create((nint)p, bytes.Length, null); // wraps the span; no copy
            // The codec takes ownership of the stream (SkiaSharp revokes the wrapper's), so only the codec is disposed.
            using var codec = SKCodec.Create(new SKMemoryStream(data), out var opened);
            if (codec is null)
            {
                throw new MediaException(format == ImageFormat.Unknown
                    ? "Cannot decode this image: the format is not recognised (supported: PNG, JPEG, WebP, GIF, BMP)."
                    : $"Cannot decode {what}: the header is invalid ({Describe(opened)}).");
            }

            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            {
                throw new MediaException($"Cannot decode {what}: its header claims {width}x{height} pixels, beyond the limit of {MaxPixels} pixels (PIL's decompression-bomb limit; a decompression bomb or a corrupt header). {InputLimits.RaiseHint("LLADAV_MAX_PIXELS", MaxPixels)}");
            }

            if (format == ImageFormat.Jpeg && !HasEndOfImageAfterLastScan(bytes))
            {
                // libjpeg ends a truncated progressive scan gracefully and Skia reports success; PIL's ImageFile.load
                // raises "image file is truncated" because its decoder never reached EOI.
                throw new MediaException($"Cannot decode {what}: the data is truncated (no end-of-image marker after the last scan).");
            }

            return format == ImageFormat.Png && PngChunks.Scan(bytes) is { BitDepth: 16 }
                ? Decode16BitPng(codec, width, height, bytes, what)
                : Decode8Bit(codec, width, height, format, bytes, what);
        }
    }

    private static DecodedPixels Decode8Bit(SKCodec codec, int width, int height, ImageFormat format, ReadOnlySpan<byte> bytes, string what)
    {
        if (codec.Info.ColorType == SKColorType.Gray8)
        {
            // Grey JPEG / opaque grey PNG: one byte a pixel out of the codec, replicated as PIL's L → RGB does.
            var gray = Pixels(codec, new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), width, what);
            return DecodedPixels.FromGray(width, height, gray);
        }

        var rgba = Pixels(codec, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), width * 4, what);
        var pixels = DecodedPixels.FromRgba(width, height, rgba);
        return format == ImageFormat.Gif && pixels.Alpha is { } alpha && GifTransparency.TransparentColour(bytes) is { } key
            ? pixels with { Rgb = Repaint(pixels.Rgb, alpha, key) }
            : pixels;
    }

    /// <summary>
    /// 16-bit PNGs: Skia decodes them first (so a corrupt file fails the same way as any other), then PIL's rules are
    /// applied to the raw samples: grey is mode "I" clipped to 255 with the tRNS key as alpha, the rest keep the high
    /// byte (PngImagePlugin's mode table, Unpack.c ";16B").
    /// </summary>
    private static DecodedPixels Decode16BitPng(SKCodec codec, int width, int height, ReadOnlySpan<byte> bytes, string what)
    {
        _ = Pixels(codec, new SKImageInfo(width, height, SKColorType.RgbaF16, SKAlphaType.Unpremul), width * 8, what);
        var (_, _, channels, s, key) = Png16Samples.Read(bytes);
        var pixels = width * height;
        var colour = new ushort[pixels * 3];
        byte[]? alpha = channels is 2 or 4 || key is not null ? new byte[pixels] : null;
        var opaque = true;
        for (var i = 0; i < pixels; i++)
        {
            var px = s.AsSpan(i * channels, channels);
            for (var c = 0; c < 3; c++)
            {
                colour[(i * 3) + c] = px[channels < 3 ? 0 : c];
            }

            if (alpha is not null)
            {
                // tRNS on 16-bit grey/RGB is a colour key compared on the full 16-bit samples (PNG spec §11.3.2.1).
                alpha[i] = channels is 2 or 4 ? (byte)(px[channels - 1] >> 8)
                    : key!.Length >= channels && px.SequenceEqual(key.AsSpan(0, channels)) ? (byte)0 : (byte)255;
                opaque &= alpha[i] == 255;
            }
        }

        alpha = opaque ? null : alpha;
        if (channels == 1)
        {
            var gray = new ushort[pixels];
            for (var i = 0; i < pixels; i++)
            {
                gray[i] = colour[i * 3];
            }

            return Pil16Bit.GrayAsModeI(width, height, gray, alpha);
        }

        return Pil16Bit.RgbHighByte(width, height, colour) with { Alpha = alpha };
    }

    /// <summary>
    /// Decodes the first frame. A truncated or corrupt stream is an error, as in PIL (whose <c>LOAD_TRUNCATED_IMAGES</c>
    /// is off by default): Skia would otherwise fill the missing rows and report <c>IncompleteInput</c>.
    /// </summary>
    private static byte[] Pixels(SKCodec codec, SKImageInfo info, int rowBytes, string what)
    {
        var buffer = new byte[checked((long)rowBytes * info.Height)];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = buffer)
            {
                result = codec.GetPixels(info, (nint)p, rowBytes, new SKCodecOptions(0));
            }
        }

        return result == SKCodecResult.Success
            ? buffer
            : throw new MediaException($"Cannot decode {what}: {Describe(result)}.");
    }

    /// <summary>
    /// Whether an EOI marker (FF D9) follows the last SOS (FF DA). Inside entropy-coded data an FF byte is always
    /// stuffed (FF 00) or a restart marker (FF D0–D7), so FF D9 after the last scan header can only be the real EOI.
    /// </summary>
    private static bool HasEndOfImageAfterLastScan(ReadOnlySpan<byte> jpeg)
    {
        var lastScan = jpeg.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        return lastScan >= 0 && jpeg[lastScan..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the data is truncated",
        SKCodecResult.ErrorInInput => "the data is corrupt",
        SKCodecResult.InvalidInput => "the data is not a valid image",
        SKCodecResult.Unimplemented => "this variant of the format is not supported",
        _ => $"the decoder reported {result}",
    };

    private static byte[] Repaint(byte[] rgb, byte[] alpha, (byte R, byte G, byte B) colour)
    {
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] == 0)
            {
                (rgb[i * 3], rgb[(i * 3) + 1], rgb[(i * 3) + 2]) = colour;
            }
        }

        return rgb;
    }
}
