using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The pixel-value half of LLaVA-NeXT's own <c>SigLipImageProcessor.preprocess</c> (siglip_encoder.py):
/// <c>rescale</c> by 1/255 (transformers computes it in float64 and stores float32), then <c>normalize</c> with
/// mean 0.5 and std 0.5 in float32, channels first (LLADAV-MODEL.md §3.3).
/// </summary>
public static class SigLipNormalizer
{
    private const float Mean = 0.5f;
    private const float Std = 0.5f;

    /// <summary>The 256 possible normalized values, exactly as the float32 numpy pipeline yields them.</summary>
    private static readonly float[] Table = BuildTable();

    /// <summary>Writes the image as <c>[3, height, width]</c> float32 into <paramref name="destination"/>.</summary>
    public static void ToChannelsFirst(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        if (destination.Length != plane * 3)
        {
            throw new ArgumentException($"Expected room for {plane * 3} values, got {destination.Length}.", nameof(destination));
        }

        var px = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            destination[i] = Table[px[i * 3]];
            destination[plane + i] = Table[px[(i * 3) + 1]];
            destination[(2 * plane) + i] = Table[px[(i * 3) + 2]];
        }
    }

    private static float[] BuildTable()
    {
        var t = new float[256];
        for (var v = 0; v < 256; v++)
        {
            var rescaled = (float)(v * (1.0 / 255.0));
            t[v] = (rescaled - Mean) / Std;
        }

        return t;
    }
}
