using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

/// <summary>Token layouts checked on features whose single channel encodes where each token came from.</summary>
public sealed class FeatureLayoutsTests
{
    private const float Newline = -1f;
    private readonly CpuBackend _cpu = new(CpuGemmKind.Managed);

    // Token value = crop * 1000 + row * 100 + column (unit <= 10 here).
    private Tensor Crops(int count, int unit)
    {
        var data = new float[count * unit * unit];
        for (var c = 0; c < count; c++)
        {
            for (var i = 0; i < unit * unit; i++)
            {
                data[(c * unit * unit) + i] = (c * 1000) + ((i / unit) * 100) + (i % unit);
            }
        }

        return _cpu.Upload(data, new TensorShape(count * unit * unit, 1));
    }

    private float[] Values(Tensor t)
    {
        var v = new float[t.Length];
        _cpu.Download(t, v);
        return v;
    }

    [Fact]
    public void AnyRes_keeps_base_then_stitched_unpadded_rows_each_followed_by_the_newline()
    {
        // unit 3, grid 2 columns x 1 row: stitched map 3 x 6. A 5x2 image (aspect 2.5 > 2) unpads rows:
        // int(2 * 6/5) = 2 rows kept of 3, pad (3-2)//2 = 0, so all 3 rows stay (odd excess keeps one padded row).
        var layout = new AnyResLayout(new PixelSize(5, 2), new PixelSize(6, 3), 2, 1, new PixelSize(6, 3), 0, 0,
            AnyResPlanner.Unpad(new PixelSize(5, 2), 3, 6), 3, 6, false, 9);
        using var crops = Crops(3, 3);
        using var newline = _cpu.Upload([Newline], new TensorShape(1));

        using var tokens = FeatureLayouts.AnyRes(crops, layout, 3, newline);

        float[] expected =
        [
            0, 1, 2, 100, 101, 102, 200, 201, 202,              // base crop as is
            1000, 1001, 1002, 2000, 2001, 2002, Newline,        // row 0: tile 1 row 0, tile 2 row 0
            1100, 1101, 1102, 2100, 2101, 2102, Newline,
            1200, 1201, 1202, 2200, 2201, 2202, Newline,
        ];
        Assert.Equal(expected, Values(tokens));
        Assert.Equal(layout.VisualTokens, tokens.RowCount);
    }

    [Fact]
    public void AnyRes_column_unpad_cuts_across_tile_boundaries()
    {
        // unit 3, grid 2 x 1 (map 3 x 6), a 3x2 image: aspect 1.5 < 2, so columns: int(3 * 3/2) = 4, pad 1.
        var unpad = AnyResPlanner.Unpad(new PixelSize(3, 2), 3, 6);
        Assert.Equal(new UnpadWindow(0, 1, 3, 4), unpad);
        var layout = new AnyResLayout(new PixelSize(3, 2), new PixelSize(6, 3), 2, 1, new PixelSize(6, 3), 0, 0, unpad, 3, 4, false, 9);
        using var crops = Crops(3, 3);
        using var newline = _cpu.Upload([Newline], new TensorShape(1));

        var tokens = Values(FeatureLayouts.AnyRes(crops, layout, 3, newline)).Skip(9).ToArray();

        Assert.Equal(
            new float[] { 1001, 1002, 2000, 2001, Newline, 1101, 1102, 2100, 2101, Newline, 1201, 1202, 2200, 2201, Newline },
            tokens);
    }

    [Fact]
    public void Video_pooling_uses_pytorch_half_pixel_bilinear_and_grid_newlines()
    {
        // One 3x3 frame pooled with stride 2 to ceil(3/2) = 2 per side. PyTorch align_corners=False:
        // ratio 1.5, src(0) = 0.25 -> rows 0,1 weights 0.75/0.25; src(1) = 1.75 -> rows 1,2 weights 0.25/0.75.
        var frame = new float[] { 0, 1, 2, 10, 11, 12, 20, 21, 22 };
        using var frames = _cpu.Upload(frame, new TensorShape(9, 1));
        using var newline = _cpu.Upload([Newline], new TensorShape(1));

        using var pooled = FeatureLayouts.PoolFrames(frames, 3, 2, out var side);
        Assert.Equal(2, side);
        // value(y, x) = 10y + x is linear, so the result is 10·src_y + src_x.
        Assert.Equal(new[] { 2.75f, 4.25f, 17.75f, 19.25f }, Values(pooled), new ToleranceComparer(1e-5f));

        using var grid = FeatureLayouts.VideoTokens(pooled, side, "grid", newline);
        Assert.Equal(new[] { 2.75f, 4.25f, Newline, 17.75f, 19.25f, Newline }, Values(grid), new ToleranceComparer(1e-5f));
        using var oneToken = FeatureLayouts.VideoTokens(pooled, side, "one_token", newline);
        Assert.Equal(5, oneToken.RowCount);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
