namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    public void Im2ColPatches(Tensor image, int patch, Tensor output)
    {
        var (c, h, w) = OpContracts.Im2ColPatches(image, patch, output);
        int gh = h / patch, gw = w / patch, cols = c * patch * patch;
        var src = Array(image);
        var srcOffset = image.Offset;
        ForRows(gh * gw, cols, p =>
        {
            int py = p / gw, px = p % gw;
            var o = MutableRow(output, p);
            var j = 0;
            for (var ch = 0; ch < c; ch++)
            {
                for (var ky = 0; ky < patch; ky++)
                {
                    var start = srcOffset + ((long)ch * h * w) + ((long)((py * patch) + ky) * w) + (px * patch);
                    src.AsSpan((int)start, patch).CopyTo(o.Slice(j, patch));
                    j += patch;
                }
            }
        });
    }

    public void BilinearResize(Tensor input, int height, int width, int outHeight, int outWidth, Tensor output)
    {
        var channels = OpContracts.BilinearResize(input, height, width, outHeight, outWidth, output);
        var ys = Coordinates(height, outHeight);
        var xs = Coordinates(width, outWidth);
        ForRows(outHeight * outWidth, channels * 4, o =>
        {
            var (y0, y1, ly) = ys[o / outWidth];
            var (x0, x1, lx) = xs[o % outWidth];
            var dst = MutableRow(output, o);
            var a = Row(input, (y0 * width) + x0);
            var b = Row(input, (y0 * width) + x1);
            var c = Row(input, (y1 * width) + x0);
            var d = Row(input, (y1 * width) + x1);
            float hy = 1 - ly, hx = 1 - lx;
            for (var i = 0; i < channels; i++)
            {
                dst[i] = (hy * ((hx * a[i]) + (lx * b[i]))) + (ly * ((hx * c[i]) + (lx * d[i])));
            }
        });
    }

    /// <summary>
    /// PyTorch upsample_bilinear2d source indices for align_corners=False: src = (dst + 0.5)·(in/out) − 0.5, clamped
    /// at 0; neighbour index capped at in−1.
    /// </summary>
    private static (int I0, int I1, float Lambda)[] Coordinates(int input, int output)
    {
        var result = new (int, int, float)[output];
        var scale = (float)input / output;
        for (var o = 0; o < output; o++)
        {
            var src = Math.Max(0f, ((o + 0.5f) * scale) - 0.5f);
            var i0 = (int)src;
            var i1 = i0 < input - 1 ? i0 + 1 : i0;
            result[o] = (i0, i1, src - i0);
        }

        return result;
    }
}
