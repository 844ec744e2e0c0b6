using System.Diagnostics;
using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// A lossless WebP with alpha, encoded at test time by ffmpeg's libwebp from known RGBA pixels (lossless keeps the
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

    private static byte[] EncodeLosslessWebP(int width, int height, byte[] rgba)
    {
        var folder = Path.Combine(Path.GetTempPath(), "lladav-media-webp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var png = Path.Combine(folder, "in.png");
            var webp = Path.Combine(folder, "out.webp");
            File.WriteAllBytes(png, PngWriter.Encode(width, height, 8, 6, rgba.Select(b => (int)b).ToArray()));
            var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-v", "error", "-nostdin", "-y", "-i", png, "-c:v", "libwebp", "-lossless", "1", "-pix_fmt", "bgra", webp })
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ffmpeg could not encode the WebP: {error}");
            return File.ReadAllBytes(webp);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
