using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Checkpoints;

using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

/// <summary>
/// The vision values of model-reference/*/reference.json (an independent fp32 PyTorch implementation on the same
/// bf16 weights); testdata/README.md states they agree to about 1e-4 relative.
/// </summary>
public sealed class VisionReferenceTests
{
    private const double Relative = 1e-4;

    private static readonly Lazy<RgbImage> Image = new(() => ImageDecoder.DecodeFile(ReferenceFiles.ImagePath));

    private static (LlavaVisionStack Stack, Checkpoint Checkpoint) Open(string name)
    {
        var checkpoint = Checkpoint.Open(ReferenceFiles.CheckpointDir(name));
        return (LlavaVisionStack.Load(checkpoint, new CpuBackend()), checkpoint);
    }

    private static float[] Download(Tensor t)
    {
        var v = new float[t.Length];
        t.Backend.Download(t, v);
        return v;
    }

    /// <summary>Sums compare against the scale of the values summed (abs_sum), as cancellation makes a bare sum fragile.</summary>
    private static void AssertChecksums(JsonElement expected, float[] actual)
    {
        var absSum = expected.GetProperty("abs_sum").GetDouble();
        Assert.Equal(absSum, actual.Sum(v => (double)Math.Abs(v)), absSum * Relative);
        Assert.Equal(expected.GetProperty("sum").GetDouble(), actual.Sum(v => (double)v), absSum * Relative);
    }

    private static void AssertLeading(JsonElement expected, ReadOnlySpan<float> actual)
    {
        var values = ReferenceFiles.Doubles(expected);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(
                Math.Abs(values[i] - actual[i]) <= Relative * Math.Max(1.0, Math.Abs(values[i])),
                $"value {i}: expected {values[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Lladav_tower_output_on_the_base_crop_matches_the_reference()
    {
        var expected = ReferenceFiles.Reference(ReferenceFiles.Lladav).GetProperty("vision_tower_base_crop");
        var (stack, checkpoint) = Open(ReferenceFiles.Lladav);
        using (checkpoint)
        using (stack)
        {
            var settings = stack.Config.AnyRes!;
            var crops = stack.Preprocessor.AnyRes(Image.Value, settings).Crops;
            using var tower = stack.EncodeTower(crops);
            var all = Download(tower);
            var shape = ReferenceFiles.Ints(expected.GetProperty("shape"));
            var baseCrop = all.AsSpan(0, shape[0] * shape[1]).ToArray();

            Assert.Equal(shape[0] * crops.Count, tower.RowCount);
            Assert.Equal(shape[1], tower.RowLength);
            AssertChecksums(expected, baseCrop);
            AssertLeading(expected.GetProperty("first_row_first_8"), baseCrop);
        }
    }

    [Theory]
    [InlineData(ReferenceFiles.Lladav)]
    [InlineData(ReferenceFiles.Llama3v)]
    public void Image_features_match_the_reference(string name)
    {
        var expected = ReferenceFiles.Reference(name).GetProperty("image_features");
        var (stack, checkpoint) = Open(name);
        using (checkpoint)
        using (stack)
        {
            using var features = stack.EncodeImage(Image.Value);
            var values = Download(features);
            var shape = ReferenceFiles.Ints(expected.GetProperty("shape"));

            Assert.Equal(shape, new[] { features.RowCount, features.RowLength });
            Assert.Equal(stack.Plan(Image.Value.Width, Image.Value.Height).VisualTokens, features.RowCount);
            AssertChecksums(expected, values);
            if (expected.TryGetProperty("row0_first_8", out var row0))
            {
                AssertLeading(row0, values);
            }

            if (expected.TryGetProperty("last_row_first_8", out var last))
            {
                AssertLeading(last, values.AsSpan((features.RowCount - 1) * features.RowLength));
            }
        }
    }
}
