using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Resampling;

/// <summary>
/// <c>PIL.Image.resize(size, filter)</c> for RGB images, bit-exact with Pillow 9.4: same-size is a copy; otherwise a
/// horizontal pass over only the source rows the vertical pass will read, into a uint8 intermediate, then a vertical
/// pass (Resample.c <c>ImagingResampleInner</c>); each pass is skipped when its dimension is unchanged.
/// </summary>
public static class PilResize
{
    public static RgbImage Resize(RgbImage source, int width, int height, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == source.Width && height == source.Height)
        {
            return new RgbImage(width, height, (byte[])source.Pixels.Clone());
        }

        if (filter == ResampleFilter.Nearest)
        {
            return new RgbImage(width, height, NearestResize.Resize(source.Pixels, source.Width, source.Height, width, height));
        }

        var horizontal = ResampleKernel.Create(source.Width, width, filter);
        var vertical = ResampleKernel.Create(source.Height, height, filter);
        ReadOnlySpan<byte> pixels = source.Pixels;
        var rowOffset = 0;
        if (width != source.Width)
        {
            // Only rows [first, last) of the source feed the vertical pass (Pillow's ybox_first / ybox_last).
            var first = vertical.First[0];
            var last = vertical.First[height - 1] + vertical.Count[height - 1];
            if (height == source.Height)
            {
                (first, last) = (0, source.Height);
            }

            var temp = new byte[width * 3 * (last - first)];
            ConvolutionPasses.Horizontal(pixels, source.Width, first, last - first, horizontal, temp);
            pixels = temp;
            rowOffset = first;
        }

        if (height == source.Height)
        {
            return new RgbImage(width, height, pixels.ToArray());
        }

        var result = new byte[width * height * 3];
        ConvolutionPasses.Vertical(pixels, width * 3, vertical, rowOffset, result);
        return new RgbImage(width, height, result);
    }
}
