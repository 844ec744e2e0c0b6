namespace LLaDAV.Eval.Media.Resampling;

/// <summary>
/// PIL's NEAREST resize: <c>_imaging.c</c> turns it into an affine scale transform, and Geometry.c
/// <c>ImagingScaleAffine</c> walks source coordinates from the first output pixel centre, adding the scale step
/// in double precision (accumulated, not multiplied) and truncating.
/// </summary>
internal static class NearestResize
{
    public static byte[] Resize(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int width, int height)
    {
        var xs = SourceIndices(srcWidth, width);
        var ys = SourceIndices(srcHeight, height);
        var dst = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var row = src.Slice(ys[y] * srcWidth * 3, srcWidth * 3);
            for (var x = 0; x < width; x++)
            {
                row.Slice(xs[x] * 3, 3).CopyTo(dst.AsSpan(((y * width) + x) * 3));
            }
        }

        return dst;
    }

    private static int[] SourceIndices(int inSize, int outSize)
    {
        var step = (double)inSize / outSize;
        var position = step * 0.5;
        var indices = new int[outSize];
        for (var i = 0; i < outSize; i++)
        {
            indices[i] = Math.Clamp((int)position, 0, inSize - 1);
            position += step;
        }

        return indices;
    }
}
