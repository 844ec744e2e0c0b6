using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Images.Codecs;

namespace LLaDAV.Eval.Benchmarks.Media;

/// <summary>
/// Decoding tests/testdata/images inputs to PIL's RGB with SkiaSharp's codecs, one representative file per format.
/// <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter *ImageDecode*</c>; MB/s = file size / mean.
/// (The P/Invoke peer it replaced, libpng/libturbojpeg/libwebp + an ffmpeg process for GIF/BMP, was measured in the
/// same run before its removal: README "Dependencies and libraries".)
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ImageDecodeBenchmarks
{
    private byte[] _bytes = [];

    [Params("rgb.png", "gray16.png", "baseline420.jpg", "progressive.jpg", "cmyk.jpg", "lossy.webp", "lossless.webp", "anim.gif", "plain.bmp")]
    public string File { get; set; } = "rgb.png";

    [GlobalSetup]
    public void Setup() => _bytes = System.IO.File.ReadAllBytes(Path.Combine(TestDataImages(), File));

    [Benchmark]
    public RgbImage Skia() => SkiaImageCodec.Decode(_bytes).ToRgb(AlphaMode.Drop);

    private static string TestDataImages()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "LLaDAV.Eval.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "testdata", "images", "inputs");
            }
        }

        throw new DirectoryNotFoundException("Cannot find the repository root (LLaDAV.Eval.sln) above the benchmark binaries.");
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5));
    }
}
