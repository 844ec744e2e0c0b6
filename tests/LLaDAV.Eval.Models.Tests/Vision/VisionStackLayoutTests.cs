using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

/// <summary>
/// The paths reference.json does not cover (downsample, several images, video) on the tiny LLaDA-V checkpoint:
/// the assembled tokens are checked against the per-crop features with hand-worked PyTorch bilinear weights.
/// </summary>
public sealed class VisionStackLayoutTests : IDisposable
{
    private readonly CpuBackend _cpu = new();
    private readonly LlavaVisionStack _stack;

    public VisionStackLayoutTests()
    {
        using var checkpoint = Checkpoint.Open(ReferenceFiles.CheckpointDir(ReferenceFiles.Lladav));
        _stack = LlavaVisionStack.Load(checkpoint, _cpu);
    }

    public void Dispose() => _stack.Dispose();

    private static RgbImage Gradient(int w, int h, int seed)
    {
        var px = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = ((y * w) + x) * 3;
                px[i] = (byte)((x * 7) + seed);
                px[i + 1] = (byte)((y * 5) + (x * 3));
                px[i + 2] = (byte)((x ^ y) + (seed * 11));
            }
        }

        return new RgbImage(w, h, px);
    }

    private float[] Values(Tensor t)
    {
        var v = new float[t.Length];
        _cpu.Download(t, v);
        return v;
    }

    private float[] Newline()
    {
        // The image with the fewest grid tokens still ends with a newline row.
        using var f = _stack.EncodeImage(Gradient(384, 384, 0));
        var v = Values(f);
        return v[^_stack.OutputSize..];
    }

    [Fact]
    public void A_large_square_image_is_downsampled_with_pytorch_bilinear_weights()
    {
        // 1100x1100 -> 1152x1152 pinpoint (the smallest that holds it whole), 3x3 tiles, 81x81 map, no unpad (same aspect; any odd excess is < 2), times 1.5 -> 54x54.
        var image = Gradient(1100, 1100, 3);
        var layout = _stack.Plan(1100, 1100);
        Assert.Equal((3, 3, 54, 54, true), (layout.GridColumns, layout.GridRows, layout.FeatureRows, layout.FeatureColumns, layout.Downsampled));

        using var tokens = _stack.EncodeImage(image);
        var crops = _stack.Preprocessor.AnyRes(image, _stack.Config.AnyRes!).Crops;
        using var perCrop = _stack.EncodeCrops(crops);
        var c = _stack.OutputSize;
        var t = Values(tokens);
        var f = Values(perCrop);

        Assert.Equal(729 + (54 * 55), tokens.RowCount);
        Assert.Equal(f.AsSpan(0, 729 * c).ToArray(), t.AsSpan(0, 729 * c).ToArray());

        // Output (0,0) of 81 -> 54 (ratio 1.5): source 0.25 on both axes -> rows/cols 0 and 1, weights 0.75 / 0.25.
        // Map (0,0), (0,1), (1,0), (1,1) are tokens 0, 1, 27, 28 of tile 1 (crop 1).
        float F(int token, int ch) => f[((729 + token) * c) + ch];
        for (var ch = 0; ch < c; ch++)
        {
            var expected = (0.75 * ((0.75 * F(0, ch)) + (0.25 * F(1, ch)))) + (0.25 * ((0.75 * F(27, ch)) + (0.25 * F(28, ch))));
            Assert.Equal(expected, t[(729 * c) + ch], 1e-4);
        }

        // Every 55th grid token is image_newline.
        var newline = Newline();
        for (var r = 0; r < 54; r++)
        {
            Assert.Equal(newline, t.AsSpan((729 + (r * 55) + 54) * c, c).ToArray());
        }
    }

    [Fact]
    public void Several_images_give_one_unpadded_crop_each_without_newline()
    {
        RgbImage[] images = [Gradient(50, 30, 1), Gradient(40, 40, 2)];
        var features = _stack.EncodeImages(images);
        try
        {
            Assert.Equal(2, features.Count);
            using var expected = _stack.EncodeCrops(_stack.Preprocessor.PadToSquare(images));
            var all = Values(expected);
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(729, features[i].RowCount);
                Assert.Equal(all.AsSpan(i * 729 * _stack.OutputSize, 729 * _stack.OutputSize).ToArray(), Values(features[i]));
            }
        }
        finally
        {
            foreach (var f in features)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void Video_frames_pool_27_to_14_and_end_every_grid_row_with_the_newline()
    {
        RgbImage[] frames = [Gradient(64, 48, 4), Gradient(64, 48, 9)];
        using var tokens = _stack.EncodeVideo(frames);
        using var perFrame = _stack.EncodeCrops(_stack.Preprocessor.VideoFrames(frames));
        var c = _stack.OutputSize;
        var t = Values(tokens);
        var f = Values(perFrame);

        Assert.Equal(2 * 14 * 15, tokens.RowCount);
        Assert.Equal(_stack.VideoTokenCount(2), tokens.RowCount);

        // Frame 1, pooled (0,0): ratio 27/14 in float, source (0.5)·ratio − 0.5 = 0.4642857 -> weights 0.5357 / 0.4643
        // over rows/cols 0 and 1; frame 1 starts at grid row 14, i.e. token 14·15.
        var ratio = 27f / 14f;
        var l1 = (double)((ratio * 0.5f) - 0.5f);
        var l0 = 1 - l1;
        float F(int token, int ch) => f[((729 + token) * c) + ch];
        for (var ch = 0; ch < c; ch++)
        {
            var expected = (l0 * ((l0 * F(0, ch)) + (l1 * F(1, ch)))) + (l1 * ((l0 * F(27, ch)) + (l1 * F(28, ch))));
            Assert.Equal(expected, t[(14 * 15 * c) + ch], 1e-4);
        }

        var newline = Newline();
        for (var row = 0; row < 28; row++)
        {
            Assert.Equal(newline, t.AsSpan(((row * 15) + 14) * c, c).ToArray());
        }
    }
}
