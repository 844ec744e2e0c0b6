using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Tests.Images;

public sealed class TensorConversionTests
{
    [Fact]
    public void SigLIP_normalisation_maps_bytes_to_minus_one_one_in_CHW_order()
    {
        // mean = std = 0.5: v/255 → (v/255 - 0.5)/0.5, so 0 → -1, 255 → 1, 51 → 0.2 → -0.6, 204 → 0.8 → 0.6.
        var image = new RgbImage(2, 1, [0, 51, 255, 204, 255, 0]);
        var chw = TensorConversion.ToNormalizedChw(image, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        float[] expected = [-1f, 0.6f, -0.6f, 1f, 1f, -1f];
        Assert.Equal(expected.Length, chw.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], chw[i], 1e-6f);
        }
    }

    [Fact]
    public void Per_channel_mean_and_std_apply_to_their_plane()
    {
        // CLIP statistics on a mid-grey pixel: (128/255 - mean_c) / std_c.
        var chw = TensorConversion.ToNormalizedChw(new RgbImage(1, 1, [128, 128, 128]), [0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]);
        Assert.Equal(0.07633, chw[0], 1e-4);
        Assert.Equal(0.16890, chw[1], 1e-4);
        Assert.Equal(0.33995, chw[2], 1e-4);
    }
}
