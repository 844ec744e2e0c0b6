namespace LLaDAV.Eval.Media.Resampling;

/// <summary>
/// The per-output-pixel taps of one resampling pass, as Pillow 9.4's Resample.c <c>precompute_coeffs</c> builds them
/// (double precision, support scaled by the downscale factor, each window normalised to sum 1) and then
/// <c>normalize_coeffs_8bpc</c> turns them into 22-bit fixed point, rounding half away from zero.
/// </summary>
internal sealed class ResampleKernel
{
    public const int PrecisionBits = 32 - 8 - 2;

    private ResampleKernel(int outSize, int taps, int[] first, int[] count, int[] weights)
    {
        OutSize = outSize;
        Taps = taps;
        First = first;
        Count = count;
        Weights = weights;
    }

    public int OutSize { get; }

    /// <summary>Row length of <see cref="Weights"/> (Pillow's ksize); only the first <see cref="Count"/>[i] are used.</summary>
    public int Taps { get; }

    /// <summary>First source index of each output pixel's window.</summary>
    public int[] First { get; }

    /// <summary>Number of source pixels in each window.</summary>
    public int[] Count { get; }

    /// <summary>Fixed-point weights, <see cref="Taps"/> per output pixel.</summary>
    public int[] Weights { get; }

    public static ResampleKernel Create(int inSize, int outSize, ResampleFilter filter, float in0 = 0f, float? in1 = null)
    {
        var (support0, function) = filter switch
        {
            ResampleFilter.Bilinear => (1.0, (Func<double, double>)Bilinear),
            ResampleFilter.Bicubic => (2.0, Bicubic),
            ResampleFilter.Lanczos => (3.0, Lanczos),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Only convolution filters have kernels."),
        };

        // Pillow computes the box span in float (the box is float[4]) before widening to double.
        var scale = (double)((in1 ?? inSize) - in0);
        scale /= outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = support0 * filterScale;
        var taps = ((int)Math.Ceiling(support) * 2) + 1;
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * taps];
        var window = new double[taps];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = in0 + ((xx + 0.5) * scale);
            var ss = 1.0 / filterScale;
            // (int) truncates toward zero in C and C#; that is Pillow's "round the value" for these non-negative cases.
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var ww = 0.0;
            for (var x = 0; x < xmax; x++)
            {
                var w = function((x + xmin - center + 0.5) * ss);
                window[x] = w;
                ww += w;
            }

            for (var x = 0; x < xmax; x++)
            {
                var k = ww != 0.0 ? window[x] / ww : window[x];
                weights[(xx * taps) + x] = k < 0
                    ? (int)(-0.5 + (k * (1 << PrecisionBits)))
                    : (int)(0.5 + (k * (1 << PrecisionBits)));
            }

            first[xx] = xmin;
            count[xx] = Math.Max(xmax, 0);
        }

        return new ResampleKernel(outSize, taps, first, count, weights);
    }

    private static double Bilinear(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    // Pillow Resample.c lanczos_filter: sinc(x) * sinc(x / 3) on [-3, 3), sinc_filter's evaluation order.
    private static double Lanczos(double x) => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    // Keys' cubic convolution kernel with a = -0.5, written in Pillow's evaluation order so the doubles agree.
    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        return x < 2.0 ? ((((((x - 5) * x) + 8) * x) - 4) * a) : 0.0;
    }
}
