namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// The colour PIL shows for transparent pixels of a GIF's first frame. PIL keeps a GIF as mode "P" and
/// <c>convert("RGB")</c> maps the transparent index through the palette like any other (Image.convert drops the
/// transparency key), whereas ffmpeg's decoder emits transparent black; so the fallback repaints alpha-0 pixels with
/// this colour. Read from the GIF89a blocks (spec §18, §20, §23): the Graphic Control Extension before the first image
/// and the local colour table of that image, else the global one.
/// </summary>
internal static class GifTransparency
{
    public static (byte R, byte G, byte B)? TransparentColour(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < 13)
        {
            return null;
        }

        var pos = 13;
        var palette = ReadOnlySpan<byte>.Empty;
        if ((gif[10] & 0x80) != 0)
        {
            palette = Slice(gif, pos, 3 << ((gif[10] & 7) + 1));
            pos += palette.Length;
        }

        int? transparentIndex = null;
        while (pos < gif.Length)
        {
            switch (gif[pos])
            {
                case 0x21 when pos + 1 < gif.Length:
                    if (gif[pos + 1] == 0xF9 && pos + 7 < gif.Length && (gif[pos + 3] & 1) != 0)
                    {
                        transparentIndex = gif[pos + 6];
                    }

                    pos = SkipSubBlocks(gif, pos + 2);
                    break;
                case 0x2C when pos + 9 < gif.Length:
                    var packed = gif[pos + 9];
                    if ((packed & 0x80) != 0)
                    {
                        palette = Slice(gif, pos + 10, 3 << ((packed & 7) + 1));
                    }

                    return transparentIndex is { } i && (i * 3) + 2 < palette.Length
                        ? (palette[i * 3], palette[(i * 3) + 1], palette[(i * 3) + 2])
                        : transparentIndex is null ? null : (0, 0, 0); // PIL pads short palettes with black
                default:
                    return null;
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> gif, int start, int length) =>
        start + length <= gif.Length ? gif.Slice(start, length) : [];

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int pos)
    {
        while (pos < gif.Length && gif[pos] != 0)
        {
            pos += gif[pos] + 1;
        }

        return pos + 1;
    }
}
