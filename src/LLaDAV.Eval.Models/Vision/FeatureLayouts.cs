using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The spatial rearrangements <c>llava_arch.py</c> applies to projected crop features before they replace a
/// placeholder, as row copies on the compute backend (features are token-major <c>[tokens, C]</c>, the transpose of
/// the <c>[C, H, W]</c> maps upstream, so "append a newline column" becomes "write the newline after every row").
/// </summary>
internal static class FeatureLayouts
{
    /// <summary>
    /// <c>prepare_inputs_labels_for_multimodal</c>, <c>mm_patch_merge_type = spatial_unpad</c> with
    /// <c>anyres_max_N</c>: base crop tokens as they are, then the tiles stitched row-major into one
    /// <c>[gh·unit, gw·unit]</c> map, cut to the <c>unpad_image</c> window, bilinearly shrunk when over 1.1× the tile
    /// budget, and each row followed by <c>image_newline</c>.
    /// </summary>
    public static Tensor AnyRes(Tensor crops, AnyResLayout layout, int unit, Tensor newline)
    {
        var b = crops.Backend;
        var perCrop = unit * unit;
        var channels = crops.RowLength;
        if (crops.RowCount != (1 + layout.TileCount) * perCrop)
        {
            throw new ArgumentException($"Expected {(1 + layout.TileCount) * perCrop} crop tokens for a {layout.GridColumns}x{layout.GridRows} grid, got {crops.RowCount}.", nameof(crops));
        }

        var output = b.Allocate(new TensorShape(layout.VisualTokens, channels));
        b.Copy(crops.Rows(0, perCrop), output.Rows(0, perCrop));

        var u = layout.Unpad;
        var map = b.Allocate(new TensorShape(u.Rows * u.Columns, channels));
        try
        {
            for (var r = 0; r < u.Rows; r++)
            {
                var y = u.Top + r;
                var (tileRow, py) = Math.DivRem(y, unit);
                for (var tileColumn = 0; tileColumn < layout.GridColumns; tileColumn++)
                {
                    // The part of this tile's row py that falls inside the kept columns [Left, Left + Columns).
                    var from = Math.Max(u.Left, tileColumn * unit);
                    var to = Math.Min(u.Left + u.Columns, (tileColumn + 1) * unit);
                    if (from >= to)
                    {
                        continue;
                    }

                    var tile = 1 + (tileRow * layout.GridColumns) + tileColumn;
                    var source = crops.Rows((tile * perCrop) + (py * unit) + (from - (tileColumn * unit)), to - from);
                    b.Copy(source, map.Rows((r * u.Columns) + (from - u.Left), to - from));
                }
            }

            if (layout.Downsampled)
            {
                var shrunk = b.Allocate(new TensorShape(layout.FeatureRows * layout.FeatureColumns, channels));
                b.BilinearResize(map, u.Rows, u.Columns, layout.FeatureRows, layout.FeatureColumns, shrunk);
                map.Dispose();
                map = shrunk;
            }

            WriteRowsWithNewline(map, layout.FeatureRows, layout.FeatureColumns, newline, output.Rows(perCrop, layout.GridTokens));
            return output;
        }
        finally
        {
            map.Dispose();
        }
    }

    /// <summary>
    /// <c>get_2dPool</c> with <c>mm_spatial_pool_mode = bilinear</c>: each frame's <c>unit × unit</c> map resized to
    /// <c>ceil(unit / stride)</c> per side with <c>F.interpolate(mode="bilinear")</c>; returns
    /// <c>[frames·side², C]</c>.
    /// </summary>
    public static Tensor PoolFrames(Tensor frames, int unit, int stride, out int side)
    {
        var b = frames.Backend;
        var perFrame = unit * unit;
        var count = frames.RowCount / perFrame;
        side = (unit + stride - 1) / stride;
        var pooled = b.Allocate(new TensorShape(count * side * side, frames.RowLength));
        for (var f = 0; f < count; f++)
        {
            b.BilinearResize(frames.Rows(f * perFrame, perFrame), unit, unit, side, side, pooled.Rows(f * side * side, side * side));
        }

        return pooled;
    }

    /// <summary>
    /// The video token layouts of <c>prepare_inputs_labels_for_multimodal</c> by <c>mm_newline_position</c>:
    /// <c>grid</c> (<c>add_token_per_grid</c>: frames stacked vertically, a newline after every row),
    /// <c>frame</c> (<c>add_token_per_frame</c>: a newline after every frame), <c>one_token</c> (one newline at the
    /// end) and <c>no_token</c>.
    /// </summary>
    public static Tensor VideoTokens(Tensor pooled, int side, string newlinePosition, Tensor newline)
    {
        var b = pooled.Backend;
        var channels = pooled.RowLength;
        var perFrame = side * side;
        var frames = pooled.RowCount / perFrame;
        switch (newlinePosition)
        {
            case "grid":
            {
                var output = b.Allocate(new TensorShape(frames * side * (side + 1), channels));
                WriteRowsWithNewline(pooled, frames * side, side, newline, output);
                return output;
            }

            case "frame":
            {
                var output = b.Allocate(new TensorShape(frames * (perFrame + 1), channels));
                WriteRowsWithNewline(pooled, frames, perFrame, newline, output);
                return output;
            }

            case "one_token":
            {
                var output = b.Allocate(new TensorShape((frames * perFrame) + 1, channels));
                b.Copy(pooled, output.Rows(0, frames * perFrame));
                b.Copy(newline, output.Rows(frames * perFrame, 1));
                return output;
            }

            case "no_token":
            {
                var output = b.Allocate(new TensorShape(frames * perFrame, channels));
                b.Copy(pooled, output);
                return output;
            }

            default:
                throw new NotSupportedException($"mm_newline_position '{newlinePosition}' is not one of grid, frame, one_token, no_token.");
        }
    }

    /// <summary>Copies a <c>[rows·columns, C]</c> map into <paramref name="output"/> with the newline after each row.</summary>
    private static void WriteRowsWithNewline(Tensor map, int rows, int columns, Tensor newline, Tensor output)
    {
        var b = map.Backend;
        for (var r = 0; r < rows; r++)
        {
            b.Copy(map.Rows(r * columns, columns), output.Rows(r * (columns + 1), columns));
            b.Copy(newline, output.Rows((r * (columns + 1)) + columns, 1));
        }
    }
}
