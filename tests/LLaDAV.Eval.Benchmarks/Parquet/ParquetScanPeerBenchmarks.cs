using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using DuckDB.NET.Data;
using LLaDAV.Eval.Parquet;

namespace LLaDAV.Eval.Benchmarks.Parquet;

/// <summary>
/// Our Parquet reader against DuckDB (DuckDB.NET.Data.Full, in this process, one thread) scanning the same Hugging
/// Face-shaped image split: every row, every value touched, all columns and projected to <c>question</c> (issue 16
/// §5: DuckDB as the same-process peer). The file (<c>PARQUET_SCAN_ROWS</c> rows, default 1000, of ~100-200 KB
/// incompressible "images", SNAPPY, 100-row row groups like the <c>datasets</c> library's shards) is written by
/// DuckDB itself on first use under <c>$PARQUET_BENCH_DIR</c> (default /tmp/llada-parquet-bench).
/// Run: <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter '*ParquetScanPeer*'</c>.
/// </summary>
[Config(typeof(Config))]
public class ParquetScanPeerBenchmarks
{
    private string _path = string.Empty;
    private DuckDBConnection? _duck;

    [Params(false, true)]
    public bool QuestionOnly { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = ScanFile.Ensure();
        // Opened once, outside the timed scans: the peer is measured on the scan, not on starting a database.
        _duck = new DuckDBConnection("DataSource=:memory:");
        _duck.Open();
        using var threads = _duck.CreateCommand();
        threads.CommandText = "SET threads = 1"; // our reader is single-threaded: compare like with like
        threads.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup() => _duck?.Dispose();

    [Benchmark(Baseline = true)]
    public long DuckDb()
    {
        using var command = _duck!.CreateCommand();
        command.CommandText = QuestionOnly
            ? $"SELECT question FROM read_parquet('{_path}')"
            : $"SELECT question, options, image.bytes FROM read_parquet('{_path}')";
        using var reader = command.ExecuteReader();
        long touched = 0;
        while (reader.Read())
        {
            touched += reader.GetString(0).Length;
            if (!QuestionOnly)
            {
                // DuckDB hands a BLOB out as a stream over its own memory; copying it into a byte[] is what our
                // reader's rows hold, so both sides materialise the same bytes.
                using var blob = reader.GetStream(2);
                var bytes = new byte[blob.Length];
                blob.ReadExactly(bytes);
                touched += reader.GetString(1).Length + bytes.Length;
            }
        }

        return touched;
    }

    [Benchmark]
    public long Ours() => ScanFile.TouchWithOurReader(_path, QuestionOnly);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In-process and a few whole-file scans per iteration: each scan takes a fraction of a second to seconds.
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(int.TryParse(Environment.GetEnvironmentVariable("PARQUET_BENCH_ITERATIONS"), out var n) ? n : 10));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
            ArtifactsPath = Environment.GetEnvironmentVariable("PARQUET_BENCH_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "llada-parquet-bench", "bdn-peer");
        }
    }
}
