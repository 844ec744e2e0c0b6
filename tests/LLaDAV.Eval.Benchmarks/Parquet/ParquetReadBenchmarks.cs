using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LLaDAV.Eval.Parquet;

namespace LLaDAV.Eval.Benchmarks.Parquet;

/// <summary>
/// Reads a multi-hundred-MB Hugging Face-shaped image split (made by <c>bench/parquet/make-big.mjs</c>), all columns
/// and projected to <c>question</c>. <c>node bench/parquet/bench.mjs</c> runs this beside hyparquet and DuckDB on the
/// same file and prints MB/s, rows/s and the ratios. The file comes from <c>PARQUET_BENCH_FILE</c>.
/// </summary>
[Config(typeof(Config))]
public class ParquetReadBenchmarks
{
    private string _path = string.Empty;

    [Params(false, true)]
    public bool QuestionOnly { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Environment.GetEnvironmentVariable("PARQUET_BENCH_FILE") ?? "/tmp/llada-parquet-bench/hf_images.parquet";
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException("benchmark file missing: run `node bench/parquet/make-big.mjs` (or bench.mjs) first", _path);
        }
    }

    /// <summary>Streams every row and touches each value the mode selects, so nothing is left unmaterialised.</summary>
    [Benchmark]
    public long ReadRows() => ScanFile.TouchWithOurReader(_path, QuestionOnly);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In-process (no separate build) and one read per iteration: each read takes seconds.
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(int.TryParse(Environment.GetEnvironmentVariable("PARQUET_BENCH_ITERATIONS"), out var n) ? n : 3));
            AddExporter(JsonExporter.Full);
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
            ArtifactsPath = Environment.GetEnvironmentVariable("PARQUET_BENCH_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "llada-parquet-bench", "bdn");
        }
    }
}
