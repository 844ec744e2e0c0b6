using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LLaDAV.Eval.Reports.Plots;
using LLaDAV.Eval.Tests.Reports;

namespace LLaDAV.Eval.Benchmarks.Plots;

/// <summary>
/// The scaling figure (2 panels, 2 families, 3 checkpoints, error bars) drawn by ScottPlot as SVG and as PNG at 2x,
/// against the PNG path it replaced: the same SVG rasterised by an <c>rsvg-convert --zoom 2</c> process (librsvg2-bin;
/// that benchmark is skipped with a message when the tool is not on PATH). Issue 16 §1.
/// Run: <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter '*FigureBenchmarks*'</c>.
/// </summary>
[Config(typeof(Config))]
public class FigureBenchmarks
{
    private readonly Figure _figure = SampleFigures.Scaling();
    private string _svgPath = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _svgPath = Path.Combine(Directory.CreateTempSubdirectory("lladav-figbench-").FullName, "scaling.svg");
        File.WriteAllText(_svgPath, FigureRenderer.Render(_figure));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(_svgPath)!, recursive: true);

    [Benchmark]
    public int ScottPlotSvg() => FigureRenderer.Render(_figure).Length;

    [Benchmark]
    public int ScottPlotPng() => FigureRenderer.RenderPng(_figure).Length;

    [Benchmark(Baseline = true)]
    public long RsvgConvertPng()
    {
        var start = new ProcessStartInfo("rsvg-convert", ["--zoom", "2", "--format", "png", "--output", Path.ChangeExtension(_svgPath, ".png"), _svgPath])
        { RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("rsvg-convert is not on PATH (Debian package librsvg2-bin): the peer cannot run.");
        }

        using (process)
        {
            process.WaitForExit();
            return new FileInfo(Path.ChangeExtension(_svgPath, ".png")).Length;
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(10).WithWarmupCount(3));
    }
}
