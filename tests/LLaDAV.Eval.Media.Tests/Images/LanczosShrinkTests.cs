using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;
using LLaDAV.Eval.Media.Tests.Oracles;

namespace LLaDAV.Eval.Media.Tests.Images;

/// <summary>
/// PIL's LANCZOS resize, as lmms-eval's <c>encode_image_to_base64_with_size_limit</c> applies it (×0.75 per step, each
/// step on the previous output), against PIL 9.4's own pixels (testdata/images/lanczos_shrink.json).
/// </summary>
public sealed class LanczosShrinkTests
{
    [Fact]
    public void Each_shrink_step_matches_pil_exactly()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageManifest.Root, "lanczos_shrink.json")));
        var image = ImageDecoder.DecodeFile(Path.Combine(ImageManifest.Root, doc.RootElement.GetProperty("input").GetString()!));
        foreach (var step in doc.RootElement.GetProperty("steps").EnumerateArray())
        {
            image = PilResize.Resize(image, (int)(image.Width * 0.75), (int)(image.Height * 0.75), ResampleFilter.Lanczos);
            Assert.Equal((step.GetProperty("width").GetInt32(), step.GetProperty("height").GetInt32()), (image.Width, image.Height));
            Assert.Equal(ImageManifest.Pixels(step.GetProperty("rgb").GetString()!), image.Pixels);
        }
    }
}
