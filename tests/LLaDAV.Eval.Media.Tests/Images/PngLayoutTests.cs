using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// PNG layouts beyond the shared oracle set, built with known samples. Expected pixels follow PIL 9.4's rules:
/// modes from PngImagePlugin's table, ";16B" unpackers keep the high byte, <c>convert("RGB")</c> drops alpha and
/// ignores tRNS/gAMA, palette images map through PLTE.
/// </summary>
public sealed class PngLayoutTests
{
    private const int W = 11;
    private const int H = 9;

    [Fact]
    public void Rgb16_keeps_the_high_byte()
    {
        var samples = Samples(W * H * 3, 65536);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 16, 2, samples));
        Assert.Equal(samples.Select(v => (byte)(v >> 8)), image.Pixels);
    }

    [Fact]
    public void Rgba16_keeps_the_high_byte_of_the_colour_channels()
    {
        var samples = Samples(W * H * 4, 65536);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 16, 6, samples));
        Assert.Equal(samples.Where((_, i) => i % 4 != 3).Select(v => (byte)(v >> 8)), image.Pixels);
    }

    [Fact]
    public void Gray16_with_transparency_key_is_mode_I_clipped()
    {
        // PIL: mode "I" with a transparency key; RGB clips to 255; RGBA makes the key value transparent.
        int[] samples = [100, 300, 65535];
        var png = PngWriter.Encode(3, 1, 16, 0, samples, transparency: [0x00, 0x64]); // key 100
        Assert.Equal(new byte[] { 100, 100, 100, 255, 255, 255, 255, 255, 255 }, ImageDecoder.Decode(png).Pixels);
        Assert.Equal(new byte[] { 255, 255, 255, 255, 255, 255, 255, 255, 255 }, ImageDecoder.Decode(png, AlphaMode.CompositeOnWhite).Pixels);
    }

    [Fact]
    public void Gray_alpha16_keeps_the_high_byte()
    {
        int[] samples = [100, 65535, 300, 0, 40000, 65535];
        var png = PngWriter.Encode(3, 1, 16, 4, samples);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 1, 1, 156, 156, 156 }, ImageDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Gray_alpha_drops_alpha_or_composites_on_white()
    {
        // (grey, alpha): opaque, transparent, and half: 100·128/255 + 255·127/255 = 177.2 → 177 (PIL rounds in fixed point).
        int[] samples = [100, 255, 100, 0, 100, 128];
        var png = PngWriter.Encode(3, 1, 8, 4, samples);
        Assert.Equal(new byte[] { 100, 100, 100, 100, 100, 100, 100, 100, 100 }, ImageDecoder.Decode(png).Pixels);
        Assert.Equal(new byte[] { 100, 100, 100, 255, 255, 255, 177, 177, 177 }, ImageDecoder.Decode(png, AlphaMode.CompositeOnWhite).Pixels);
    }

    [Fact]
    public void Palette_with_transparency_maps_through_the_palette()
    {
        byte[] palette = [10, 20, 30, 200, 100, 50, 0, 0, 255];
        int[] indices = [0, 1, 2, 1, 0, 2];
        var png = PngWriter.Encode(3, 2, 8, 3, indices, palette, transparency: [255, 0]);
        Assert.Equal(indices.SelectMany(i => palette.AsSpan(i * 3, 3).ToArray()), ImageDecoder.Decode(png).Pixels);
        // Entry 1 is fully transparent (→ white); entries 0 and 2 are opaque (tRNS shorter than PLTE means opaque).
        var white = ImageDecoder.Decode(png, AlphaMode.CompositeOnWhite).Pixels;
        Assert.Equal(indices.SelectMany(i => i == 1 ? new byte[] { 255, 255, 255 } : palette.AsSpan(i * 3, 3).ToArray()), white);
    }

    [Fact]
    public void Four_bit_palette_unpacks_indices()
    {
        var palette = Enumerable.Range(0, 16).SelectMany(i => new[] { (byte)(i * 16), (byte)(255 - (i * 16)), (byte)i }).ToArray();
        var indices = Samples(W * H, 16);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 4, 3, indices, palette));
        Assert.Equal(indices.SelectMany(i => palette.AsSpan(i * 3, 3).ToArray()), image.Pixels);
    }

    [Fact]
    public void One_bit_gray_is_black_or_white()
    {
        var bits = Samples(W * H, 2);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 1, 0, bits));
        Assert.Equal(bits.SelectMany(b => Enumerable.Repeat((byte)(b * 255), 3)), image.Pixels);
    }

    [Fact]
    public void Adam7_interlaced_rgb_round_trips()
    {
        var samples = Samples(W * H * 3, 256);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 8, 2, samples, interlaced: true));
        Assert.Equal(samples.Select(v => (byte)v), image.Pixels);
    }

    [Theory]
    [InlineData(45455u)]  // sRGB's 1/2.2
    [InlineData(100000u)] // linear: Skia must not colour-manage it (no destination colour space is asked for)
    public void Gamma_chunk_is_ignored_as_PIL_does(uint gamma)
    {
        var samples = Samples(W * H * 3, 256);
        var image = ImageDecoder.Decode(PngWriter.Encode(W, H, 8, 2, samples, gamma: gamma));
        Assert.Equal(samples.Select(v => (byte)v), image.Pixels);
    }

    /// <summary>Deterministic samples covering the range, including both extremes.</summary>
    private static int[] Samples(int count, int range)
    {
        var random = new Random(1234);
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i switch { 0 => 0, 1 => range - 1, _ => random.Next(range) };
        }

        return values;
    }
}
