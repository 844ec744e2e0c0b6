using LLaDAV.Eval.Media.Images;
using SkiaSharp;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// A lossless WebP with alpha, encoded at test time by Skia's libwebp from known RGBA pixels (lossless keeps the
/// colour even under alpha 1). PIL opens it as RGBA: <c>convert("RGB")</c> keeps the colour, HF's white compositing
/// blends it: e.g. (200, 100, 50) at alpha 128 → 200·128/255 + 255·127/255 = 227.4 → 227, 177.2 → 177, 152.1 → 152.
/// </summary>
public sealed class WebPAlphaTests
{
    private static readonly byte[] s_rgba =
    [
        10, 20, 30, 255, 200, 100, 50, 128, 0, 0, 255, 1, 77, 88, 99, 255,
    ];

    [Fact]
    public void Lossless_alpha_webp_drops_or_composites_alpha()
    {
        var webp = EncodeLosslessWebP(4, 1, s_rgba);
        Assert.True(webp.AsSpan(12, 4).SequenceEqual("VP8L"u8), "expected a lossless (VP8L) bitstream");
        Assert.Equal(new byte[] { 10, 20, 30, 200, 100, 50, 0, 0, 255, 77, 88, 99 }, ImageDecoder.Decode(webp).Pixels);
        Assert.Equal(new byte[] { 10, 20, 30, 227, 177, 152, 254, 254, 255, 77, 88, 99 }, ImageDecoder.Decode(webp, AlphaMode.CompositeOnWhite).Pixels);
    }

    /// <summary>Skia's libwebp encoder in lossless mode, from unpremultiplied pixels (so no colour is lost under low alpha).</summary>
    private static byte[] EncodeLosslessWebP(int width, int height, byte[] rgba)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), width * 4);
            using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
            return (data ?? throw new InvalidOperationException("Skia could not encode the WebP.")).ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
