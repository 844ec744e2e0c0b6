using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// GIF first frames built with known indices. PIL opens them as mode "P"; <c>convert("RGB")</c> maps every index,
/// the transparent one included, through the palette, while <c>convert("RGBA")</c> gives the transparent index alpha 0.
/// </summary>
public sealed class GifTests
{
    private static readonly byte[] s_palette = [10, 20, 30, 200, 100, 50, 0, 0, 255, 77, 88, 99];
    private static readonly byte[] s_indices = [0, 1, 2, 3, 2, 2, 1, 0, 3, 3, 2, 1];

    [Fact]
    public void Opaque_gif_maps_indices_through_the_palette()
    {
        var image = ImageDecoder.Decode(GifWriter.Encode(4, 3, s_palette, s_indices, transparentIndex: null));
        Assert.Equal(Expected(transparentToWhite: false), image.Pixels);
    }

    [Fact]
    public void Transparent_index_keeps_its_palette_colour_when_alpha_is_dropped()
    {
        var image = ImageDecoder.Decode(GifWriter.Encode(4, 3, s_palette, s_indices, transparentIndex: 2));
        Assert.Equal(Expected(transparentToWhite: false), image.Pixels);
    }

    [Fact]
    public void Transparent_index_becomes_white_when_composited()
    {
        var image = ImageDecoder.Decode(GifWriter.Encode(4, 3, s_palette, s_indices, transparentIndex: 2), AlphaMode.CompositeOnWhite);
        Assert.Equal(Expected(transparentToWhite: true), image.Pixels);
    }

    private static byte[] Expected(bool transparentToWhite) =>
        s_indices.SelectMany(i => transparentToWhite && i == 2 ? new byte[] { 255, 255, 255 } : s_palette.AsSpan(i * 3, 3).ToArray()).ToArray();
}
