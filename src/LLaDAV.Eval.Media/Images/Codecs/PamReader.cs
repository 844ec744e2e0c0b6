using System.Buffers.Binary;
using System.Text;

namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// Reads the PAM (Netpbm P7) image ffmpeg writes for the fallback path. PAM keeps the decoder's own layout (grey,
/// grey+alpha, RGB, RGBA, 8 or 16 bit), so PIL's per-mode rules can be applied here rather than swscale's.
/// </summary>
internal static class PamReader
{
    /// <param name="grayAlphaIsModeI">
    /// The grey+alpha PAM came from a 16-bit grey PNG with a tRNS key, which PIL opens as mode "I" (clipped) rather
    /// than "LA" (high byte).
    /// </param>
    public static DecodedPixels Read(ReadOnlySpan<byte> pam, bool grayAlphaIsModeI = false)
    {
        if (!pam.StartsWith("P7\n"u8))
        {
            throw new MediaException("ffmpeg did not produce a PAM image.");
        }

        int width = 0, height = 0, depth = 0, maxval = 0, pos = 3;
        var tuple = string.Empty;
        while (true)
        {
            var end = pam[pos..].IndexOf((byte)'\n');
            if (end < 0)
            {
                throw new MediaException("Truncated PAM header from ffmpeg.");
            }

            var line = Encoding.ASCII.GetString(pam.Slice(pos, end)).Trim();
            pos += end + 1;
            if (line == "ENDHDR")
            {
                break;
            }

            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            var value = parts.Length > 1 ? parts[1] : string.Empty;
            _ = parts[0] switch
            {
                "WIDTH" => width = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                "HEIGHT" => height = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                "DEPTH" => depth = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                "MAXVAL" => maxval = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                "TUPLTYPE" => (tuple = value).Length,
                _ => 0,
            };
        }

        var wide = maxval > 255;
        var count = checked(width * height * depth);
        var data = pam[pos..];
        if (data.Length < count * (wide ? 2 : 1))
        {
            throw new MediaException("Truncated PAM pixel data from ffmpeg.");
        }

        var samples = new int[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = wide ? BinaryPrimitives.ReadUInt16BigEndian(data[(i * 2)..]) : data[i];
        }

        return ToPil(width, height, depth, maxval, tuple, samples, grayAlphaIsModeI);
    }

    private static DecodedPixels ToPil(int width, int height, int depth, int maxval, string tuple, int[] s, bool grayAlphaIsModeI)
    {
        var pixels = width * height;
        // 8-bit keeps the sample; 16-bit grey is PIL mode "I" (clipped), other 16-bit modes keep the high byte.
        Func<int, byte> colour = maxval switch
        {
            1 => v => (byte)(v * 255),
            > 255 when depth == 1 || (depth == 2 && grayAlphaIsModeI) => v => (byte)Math.Min(v, 255),
            > 255 => v => (byte)(v >> 8),
            _ => v => (byte)v,
        };
        Func<int, byte> alphaOf = maxval > 255 ? v => (byte)(v >> 8) : v => (byte)v;
        var hasAlpha = tuple.EndsWith("_ALPHA", StringComparison.Ordinal);
        var colourChannels = depth - (hasAlpha ? 1 : 0);
        var rgb = new byte[pixels * 3];
        var alpha = hasAlpha ? new byte[pixels] : null;
        var opaque = true;
        for (var i = 0; i < pixels; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                rgb[(i * 3) + c] = colour(s[(i * depth) + (colourChannels == 1 ? 0 : c)]);
            }

            if (alpha is not null)
            {
                alpha[i] = alphaOf(s[(i * depth) + depth - 1]);
                opaque &= alpha[i] == 255;
            }
        }

        return new DecodedPixels(width, height, rgb, opaque ? null : alpha);
    }
}
