namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>
/// PIL's handling of 4-channel JPEG: JpegImagePlugin always unpacks CMYK with rawmode "CMYK;I" (Adobe convention:
/// the stored samples are inverted), then Convert.c <c>cmyk2rgb</c> gives <c>nk - nk·c/255</c> with <c>nk = 255 - k</c>,
/// the product divided by 255 with rounding (MULDIV255).
/// </summary>
internal static class PilCmyk
{
    public static byte[] AdobeToRgb(ReadOnlySpan<byte> storedCmyk)
    {
        var pixels = storedCmyk.Length / 4;
        var rgb = new byte[pixels * 3];
        for (var i = 0; i < pixels; i++)
        {
            var nk = storedCmyk[(i * 4) + 3]; // 255 - k, with k = 255 - stored
            for (var c = 0; c < 3; c++)
            {
                var cyan = 255 - storedCmyk[(i * 4) + c];
                rgb[(i * 3) + c] = (byte)Math.Clamp(nk - MulDiv255(cyan, nk), 0, 255);
            }
        }

        return rgb;
    }

    private static int MulDiv255(int a, int b)
    {
        var tmp = (a * b) + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }
}
