using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Tests.Vision;

public sealed class AnyResPlannerTests
{
    private static readonly AnyResSettings Settings =
        LlavaVisionConfig.FromFile(ReferenceFiles.ConfigPath(ReferenceFiles.Lladav)).AnyRes!;

    // The worked table of docs/LLADAV-MODEL.md §4.2 (computed there with the Python algorithm).
    [Theory]
    [InlineData(384, 384, 384, 384, 1, 1, 27, 27, 1485)]
    [InlineData(336, 336, 384, 384, 1, 1, 27, 27, 1485)]
    [InlineData(300, 200, 384, 384, 1, 1, 19, 27, 1261)]
    [InlineData(640, 480, 768, 768, 2, 2, 40, 54, 2929)]
    [InlineData(1024, 768, 1152, 768, 3, 2, 46, 62, 3627)]
    [InlineData(800, 600, 1152, 768, 3, 2, 46, 62, 3627)]
    [InlineData(1280, 720, 1536, 768, 4, 2, 40, 72, 3649)]
    [InlineData(1920, 1080, 1920, 1152, 5, 3, 40, 72, 3649)]
    [InlineData(500, 2000, 768, 2304, 2, 6, 108, 26, 3645)]
    [InlineData(2000, 2000, 2304, 2304, 6, 6, 54, 54, 3699)]
    public void Plan_matches_the_worked_table(int w, int h, int bw, int bh, int gw, int gh, int rows, int cols, int tokens)
    {
        var layout = AnyResPlanner.Plan(new PixelSize(w, h), Settings);
        Assert.Equal(new PixelSize(bw, bh), layout.BestResolution);
        Assert.Equal((gw, gh), (layout.GridColumns, layout.GridRows));
        Assert.Equal((rows, cols), (layout.FeatureRows, layout.FeatureColumns));
        Assert.Equal(tokens, layout.VisualTokens);
    }

    [Theory]
    [InlineData(ReferenceFiles.Lladav)]
    [InlineData(ReferenceFiles.Llama3v)]
    public void Plan_matches_reference_json_for_the_reference_image(string checkpoint)
    {
        var reference = ReferenceFiles.Reference(checkpoint);
        var expected = reference.GetProperty("anyres_layout");
        var (width, height) = ReferenceFiles.ImageSize();
        var settings = LlavaVisionConfig.FromFile(ReferenceFiles.ConfigPath(checkpoint)).AnyRes!;

        var layout = AnyResPlanner.Plan(new PixelSize(width, height), settings);

        Assert.Equal(ReferenceFiles.Ints(expected.GetProperty("best_resolution")), new[] { layout.BestResolution.Width, layout.BestResolution.Height });
        Assert.Equal(ReferenceFiles.Ints(expected.GetProperty("grid")), new[] { layout.GridColumns, layout.GridRows });
        Assert.Equal(ReferenceFiles.Ints(expected.GetProperty("after_unpad_hw")), new[] { layout.FeatureRows, layout.FeatureColumns });
        Assert.Equal(expected.GetProperty("tokens").GetInt32(), layout.VisualTokens);
    }

    [Fact]
    public void Reference_image_size_agrees_with_reference_json()
    {
        var size = ReferenceFiles.Ints(ReferenceFiles.Reference(ReferenceFiles.Lladav).GetProperty("image_size"));
        Assert.Equal((size[0], size[1]), ReferenceFiles.ImageSize());
    }

    [Fact]
    public void Select_best_resolution_breaks_ties_on_waste_then_list_order()
    {
        // 384x384 fits 384x384 (waste 0) and 768x768 (waste 3x) with the same effective area: least waste wins.
        Assert.Equal(new PixelSize(384, 384), AnyResPlanner.SelectBestResolution(new PixelSize(384, 384), [new(768, 768), new(384, 384)]));
        // Two identical candidates: the first is kept (strict comparisons).
        Assert.Equal(new PixelSize(768, 384), AnyResPlanner.SelectBestResolution(new PixelSize(10, 10), [new(768, 384), new(384, 768)]));
    }

    [Fact]
    public void Resize_and_pad_fits_the_constrained_side_and_centres_with_floor_offsets()
    {
        // 520x300 into 768x384: scale_w 1.4769 >= scale_h 1.28 so height is exact, width ceil(520*1.28)=666.
        var (resized, left, top) = AnyResPlanner.ResizeAndPadGeometry(new PixelSize(520, 300), new PixelSize(768, 384));
        Assert.Equal(new PixelSize(666, 384), resized);
        Assert.Equal((51, 0), (left, top));

        // 300x200 into 384x384: scale_w 1.28 < scale_h 1.92 so width exact, height ceil(200*1.28)=256, top (384-256)/2.
        (resized, left, top) = AnyResPlanner.ResizeAndPadGeometry(new PixelSize(300, 200), new PixelSize(384, 384));
        Assert.Equal(new PixelSize(384, 256), resized);
        Assert.Equal((0, 64), (left, top));
    }

    [Fact]
    public void Unpad_removes_the_same_count_from_both_sides_leaving_one_extra_for_odd_excess()
    {
        // 520x300 on a 27x54 map: aspect 1.733 < 2, so columns: int(520*27/300)=46, pad (54-46)//2 = 4 each side.
        Assert.Equal(new UnpadWindow(0, 4, 27, 46), AnyResPlanner.Unpad(new PixelSize(520, 300), 27, 54));
        // 300x200 on 27x27: rows: int(200*27/300)=18, pad (27-18)//2 = 4, keeps [4, 23) = 19 rows.
        Assert.Equal(new UnpadWindow(4, 0, 19, 27), AnyResPlanner.Unpad(new PixelSize(300, 200), 27, 27));
    }

    [Fact]
    public void Downsample_only_above_one_point_one_times_the_tile_budget()
    {
        // 54x54 = 4 tiles exactly: times 1, kept.
        Assert.Equal((54, 54, false), AnyResPlanner.DownsampleTarget(54, 54, 4, 27));
        // 81x81 (9 tiles): times 1.5, 81 // 1.5 = 54.
        Assert.Equal((54, 54, true), AnyResPlanner.DownsampleTarget(81, 81, 4, 27));
    }

    [Fact]
    public void Config_reads_the_tiny_checkpoint_multimodal_keys()
    {
        var config = LlavaVisionConfig.FromFile(ReferenceFiles.ConfigPath(ReferenceFiles.Lladav));
        Assert.Equal(36, config.GridPinpoints.Length);
        Assert.Equal(4, config.AnyRes!.MaxTiles);
        Assert.Equal(27, config.Tower.PatchesPerSide);
        Assert.Equal(32, config.Tower.HiddenSize);
        Assert.Equal("grid", config.NewlinePosition);
    }
}
