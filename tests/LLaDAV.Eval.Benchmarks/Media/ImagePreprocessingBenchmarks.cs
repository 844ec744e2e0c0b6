using BenchmarkDotNet.Attributes;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Resampling;

namespace LLaDAV.Eval.Benchmarks.Media;

/// <summary>
/// The CPU side of the LLaVA vision preprocessing on synthetic pixels: the 384×384 stretch of a base image (the
/// baseline), a large-photo downscale, the anyres pad-resize and the CHW float conversion.
/// <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter *ImagePreprocessing*</c>.
/// </summary>
[MemoryDiagnoser]
public class ImagePreprocessingBenchmarks
{
    private static readonly float[] s_half = [0.5f, 0.5f, 0.5f];
    private RgbImage _vga = null!;
    private RgbImage _fullHd = null!;
    private RgbImage _tile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _vga = Random(480, 360);
        _fullHd = Random(1920, 1080);
        _tile = Random(384, 384);
    }

    [Benchmark(Baseline = true)]
    public RgbImage Bicubic_480x360_to_384() => PilResize.Resize(_vga, 384, 384);

    [Benchmark]
    public RgbImage Bicubic_1920x1080_to_384() => PilResize.Resize(_fullHd, 384, 384);

    [Benchmark]
    public RgbImage ResizeAndPad_1920x1080_to_1920x1152() => ImageOps.ResizeAndPad(_fullHd, 1920, 1152);

    [Benchmark]
    public float[] ToNormalizedChw_384() => TensorConversion.ToNormalizedChw(_tile, s_half, s_half);

    private static RgbImage Random(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        new Random(42).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }
}
