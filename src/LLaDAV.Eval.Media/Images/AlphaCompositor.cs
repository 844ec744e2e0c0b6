namespace LLaDAV.Eval.Media.Images;

/// <summary>
/// PIL's <c>Image.alpha_composite(white, image)</c> in integer arithmetic, ported from Pillow's AlphaComposite.c
/// (7 extra bits of precision, divisions by 255 done with the shift-and-add trick, rounded).
/// </summary>
internal static class AlphaCompositor
{
    private const int PrecisionBits = 7;

    public static byte[] OverWhite(ReadOnlySpan<byte> rgb, ReadOnlySpan<byte> alpha)
    {
        var result = new byte[rgb.Length];
        for (var i = 0; i < alpha.Length; i++)
        {
            uint srcA = alpha[i];
            for (var c = 0; c < 3; c++)
            {
                result[(i * 3) + c] = srcA == 0 ? (byte)255 : Blend(rgb[(i * 3) + c], 255, srcA, 255);
            }
        }

        return result;
    }

    private static byte Blend(uint src, uint dst, uint srcA, uint dstA)
    {
        var blend = dstA * (255 - srcA);
        var outA255 = (srcA * 255) + blend;
        var coef1 = srcA * 255 * 255 * (1u << PrecisionBits) / outA255;
        var coef2 = (255 * (1u << PrecisionBits)) - coef1;
        var tmp = (src * coef1) + (dst * coef2) + (0x80u << PrecisionBits);
        return (byte)(ShiftForDiv255(tmp) >> PrecisionBits);
    }

    private static uint ShiftForDiv255(uint a) => ((a >> 8) + a) >> 8;
}
