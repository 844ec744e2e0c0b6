namespace LLaDAV.Eval.Media.Images;

/// <summary>The last step of HF / LLaVA image processors: HWC uint8 → CHW float32, rescaled then normalised.</summary>
public static class TensorConversion
{
    /// <summary>
    /// <c>transformers.image_transforms.rescale</c> multiplies in float64 and casts to float32; <c>normalize</c> then
    /// computes <c>(x - mean) / std</c> in float32 with float32 mean/std. Per channel that is a function of the byte,
    /// so it is tabulated once (256 entries per channel).
    /// </summary>
    /// <param name="rescale">Kept as a double because HF multiplies by Python's float64 <c>1/255</c>.</param>
    public static float[] ToNormalizedChw(RgbImage image, float[] mean, float[] std, double rescale = 1.0 / 255.0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var table = Table(mean, std, rescale);
        var plane = image.Width * image.Height;
        var result = new float[plane * 3];
        var pixels = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            result[i] = table[pixels[i * 3]];
            result[plane + i] = table[256 + pixels[(i * 3) + 1]];
            result[(2 * plane) + i] = table[512 + pixels[(i * 3) + 2]];
        }

        return result;
    }

    private static float[] Table(float[] mean, float[] std, double rescale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != 3 || std.Length != 3)
        {
            throw new ArgumentException("mean and std need one value per RGB channel.");
        }

        var table = new float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            for (var v = 0; v < 256; v++)
            {
                var scaled = (float)(v * rescale);
                table[(c * 256) + v] = (scaled - mean[c]) / std[c];
            }
        }

        return table;
    }
}
