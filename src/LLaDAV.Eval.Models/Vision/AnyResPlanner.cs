namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The geometry of LLaVA-NeXT's <c>anyres_max_N</c> image path, ported rule by rule so the crop layout and the
/// visual token count match the Python code exactly (docs/LLADAV-MODEL.md §4.1-4.2).
/// </summary>
public static class AnyResPlanner
{
    /// <summary>
    /// <c>mm_utils.select_best_resolution</c>: the pinpoint that keeps the most effective pixels after an
    /// aspect-preserving fit, then the one that wastes the fewest, then the first in config order (strict
    /// comparisons). Products are Python ints (unbounded), hence <see cref="long"/>.
    /// </summary>
    public static PixelSize SelectBestResolution(PixelSize original, IEnumerable<PixelSize> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        CheckPositive(original);
        PixelSize? best = null;
        long maxEffective = 0;
        var minWasted = long.MaxValue;
        long originalArea = (long)original.Width * original.Height;
        foreach (var c in candidates)
        {
            var scale = Math.Min((double)c.Width / original.Width, (double)c.Height / original.Height);
            long downW = PythonMath.Truncate(original.Width * scale);
            long downH = PythonMath.Truncate(original.Height * scale);
            var effective = Math.Min(downW * downH, originalArea);
            var wasted = ((long)c.Width * c.Height) - effective;
            if (effective > maxEffective || (effective == maxEffective && wasted < minWasted))
            {
                maxEffective = effective;
                minWasted = wasted;
                best = c;
            }
        }

        return best ?? throw new ArgumentException("No candidate resolution fits the image.", nameof(candidates));
    }

    /// <summary>
    /// <c>mm_utils.resize_and_pad_image</c>: fit inside the target keeping the aspect ratio (the constrained side
    /// exact, the other <c>min(ceil(side·scale), target)</c>), centred with floor offsets.
    /// </summary>
    public static (PixelSize Resized, int Left, int Top) ResizeAndPadGeometry(PixelSize original, PixelSize target)
    {
        CheckPositive(original);
        CheckPositive(target);
        var scaleW = (double)target.Width / original.Width;
        var scaleH = (double)target.Height / original.Height;
        int newW, newH;
        if (scaleW < scaleH)
        {
            newW = target.Width;
            newH = Math.Min(checked((int)Math.Ceiling(original.Height * scaleW)), target.Height);
        }
        else
        {
            newH = target.Height;
            newW = Math.Min(checked((int)Math.Ceiling(original.Width * scaleH)), target.Width);
        }

        return (new PixelSize(newW, newH), (target.Width - newW) / 2, (target.Height - newH) / 2);
    }

    /// <summary>
    /// <c>llava_arch.unpad_image</c> on a stitched <c>[rows, columns]</c> map: drop the rows (or columns) that
    /// came from the black padding, the same number from each side (floor of half the excess, so an odd excess
    /// leaves one padded row/column). Note it keeps <c>[pad, current - pad)</c>, not <c>[pad, pad + new)</c>.
    /// </summary>
    public static UnpadWindow Unpad(PixelSize original, int rows, int columns)
    {
        CheckPositive(original);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var originalAspect = (double)original.Width / original.Height;
        var currentAspect = (double)columns / rows;
        if (originalAspect > currentAspect)
        {
            var scale = (double)columns / original.Width;
            var newHeight = PythonMath.Truncate(original.Height * scale);
            var padding = (rows - newHeight) / 2;
            return new UnpadWindow(padding, 0, rows - (2 * padding), columns);
        }
        else
        {
            var scale = (double)rows / original.Height;
            var newWidth = PythonMath.Truncate(original.Width * scale);
            var padding = (columns - newWidth) / 2;
            return new UnpadWindow(0, padding, rows, columns - (2 * padding));
        }
    }

    /// <summary>
    /// The <c>anyres_max_N</c> shrink in <c>prepare_inputs_labels_for_multimodal</c>:
    /// <c>times = sqrt(h·w / (N·unit²))</c>; when <c>times &gt; 1.1</c> the map is resized to
    /// <c>[int(h // times), int(w // times)]</c> (Python float floor division).
    /// </summary>
    public static (int Rows, int Columns, bool Downsampled) DownsampleTarget(int rows, int columns, int maxTiles, int patchesPerSide)
    {
        var times = Math.Sqrt((double)rows * columns / ((double)maxTiles * patchesPerSide * patchesPerSide));
        if (times > 1.1)
        {
            return (PythonMath.Truncate(PythonMath.FloorDivide(rows, times)), PythonMath.Truncate(PythonMath.FloorDivide(columns, times)), true);
        }

        return (rows, columns, false);
    }

    /// <summary>The whole layout of one image of the given size under <paramref name="settings"/>.</summary>
    public static AnyResLayout Plan(PixelSize original, AnyResSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var best = SelectBestResolution(original, settings.Pinpoints);
        var (resized, left, top) = ResizeAndPadGeometry(original, best);

        // get_anyres_image_grid_shape: the grid is recomputed from image_sizes with the same pinpoints,
        // divided by the vision tower's image_size.
        var gridColumns = best.Width / settings.TileSize;
        var gridRows = best.Height / settings.TileSize;
        var unit = settings.PatchesPerSide;
        var unpad = Unpad(original, gridRows * unit, gridColumns * unit);
        var (rows, columns, downsampled) = DownsampleTarget(unpad.Rows, unpad.Columns, settings.MaxTiles, unit);
        return new AnyResLayout(original, best, gridColumns, gridRows, resized, left, top, unpad, rows, columns, downsampled, unit * unit);
    }

    private static void CheckPositive(PixelSize size)
    {
        if (size.Width <= 0 || size.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Image sizes must be positive.");
        }
    }
}
