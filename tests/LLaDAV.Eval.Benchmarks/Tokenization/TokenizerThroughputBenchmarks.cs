using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Benchmarks.Tokenization;

/// <summary>
/// Tokenizer throughput: <c>Encode(text, addSpecialTokens: false)</c> of the Llama-3 tokenizer on a few MB of mixed
/// text, as one string and line by line (the shape of evaluation prompts). bench/tokenizer/run.sh runs this next to
/// HF tokenizers (Rust) and tokenizers.js on the same text and prints the ratios; run alone with
/// <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter *TokenizerThroughput*</c>.
/// Environment: <c>LLADAV_TOKENIZER_BENCH_DIR</c> (tokenizer folder; default the shared Llama-3 one),
/// <c>LLADAV_TOKENIZER_BENCH_TEXT</c> (text file; default the expected-encodings cases repeated to 2 MB),
/// <c>LLADAV_TOKENIZER_BENCH_IDS</c> (optional int32 ids of the reference on the whole text: setup fails unless equal).
/// </summary>
[Config(typeof(InProcessShortRun))]
public class TokenizerThroughputBenchmarks
{
    private HfTokenizer _tokenizer = null!;

    /// <summary>
    /// The BPE engine under the same tokenizer.json adapter: Microsoft.ML.Tokenizers' BpeTokenizer or our merger (the
    /// engine); README "Tokenizer: Microsoft.ML.Tokenizers" has the decision these two rows made.
    /// </summary>
    [Params("ml-tokenizers", "ours")]
    public string Engine { get; set; } = "ml-tokenizers";
    private string _text = null!;
    private string[] _lines = null!;

    /// <summary>UTF-8 size of the text, for MB/s.</summary>
    public int TextBytes { get; private set; }

    /// <summary>Token count of the whole text, for tokens/s.</summary>
    public int TokenCount { get; private set; }

    /// <summary>The repository keeps tokenizer.json gzipped: a temp folder with it unpacked beside tokenizer_config.json.</summary>
    private static string Unpack(string source)
    {
        var target = Directory.CreateTempSubdirectory("lladav-bench-tokenizer-").FullName;
        foreach (var name in new[] { "tokenizer_config.json", "expected-encodings.json" })
        {
            File.Copy(Path.Combine(source, name), Path.Combine(target, name));
        }

        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(source, "tokenizer.json.gz")), System.IO.Compression.CompressionMode.Decompress);
        using var unpacked = File.Create(Path.Combine(target, "tokenizer.json"));
        gzip.CopyTo(unpacked);
        return target;
    }

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRepoRoot();
        var directory = Environment.GetEnvironmentVariable("LLADAV_TOKENIZER_BENCH_DIR")
            ?? Unpack(Path.Combine(root, "tests", "testdata", "tokenizers", "llama3"));
        _tokenizer = HfTokenizer.Load(directory, Engine == "ours" ? BpeEngine.Ours : BpeEngine.MlTokenizers);
        var textFile = Environment.GetEnvironmentVariable("LLADAV_TOKENIZER_BENCH_TEXT");
        _text = textFile is not null ? File.ReadAllText(textFile) : DefaultText(directory);
        _lines = _text.Split('\n');
        TextBytes = Encoding.UTF8.GetByteCount(_text);

        var ids = _tokenizer.Encode(_text, addSpecialTokens: false);
        TokenCount = ids.Length;
        var idsFile = Environment.GetEnvironmentVariable("LLADAV_TOKENIZER_BENCH_IDS");
        if (idsFile is not null)
        {
            var bytes = File.ReadAllBytes(idsFile);
            var reference = new int[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, reference, 0, reference.Length * 4);
            var first = ids.AsSpan().CommonPrefixLength(reference);
            if (first != ids.Length || ids.Length != reference.Length)
            {
                throw new InvalidOperationException($"Ids differ from the reference at index {first} ({ids.Length} vs {reference.Length} ids).");
            }
        }

        // Process CPU time of a few whole-text encodes: unlike wall time, it barely moves when the machine is shared.
        var cpu = new List<double>();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (var i = 0; i < 3; i++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            _tokenizer.Encode(_text, addSpecialTokens: false);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - before).TotalSeconds);
        }

        cpu.Sort();
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"// tokenizer-bench engine={Engine} text_bytes={TextBytes} tokens={TokenCount} lines={_lines.Length} cpu_seconds_whole={cpu[1]:F4}"));
    }

    [Benchmark(Description = "whole text")]
    public int EncodeWhole() => _tokenizer.Encode(_text, addSpecialTokens: false).Length;

    [Benchmark(Description = "line by line")]
    public int EncodeLines()
    {
        var count = 0;
        foreach (var line in _lines)
        {
            count += _tokenizer.Encode(line, addSpecialTokens: false).Length;
        }

        return count;
    }

    /// <summary>
    /// In-process (no second generated project to build: builds are slow on the shared machines), one launch,
    /// 2 warm-up and 7 measured iterations: each operation encodes megabytes, so iterations are long already.
    /// </summary>
    public sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(7));
    }

    private static string DefaultText(string directory)
    {
        var casesFile = Path.Combine(directory, "expected-encodings.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(casesFile));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("text").GetString()!).ToArray();
        var sb = new StringBuilder();
        for (var i = 0; sb.Length < 2_000_000; i++)
        {
            sb.Append(cases[i % cases.Length]).Append('\n');
        }

        return sb.ToString();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LLaDAV.Eval.sln")))
            {
                return dir.FullName;
            }
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LLaDAV.Eval.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository, or set LLADAV_TOKENIZER_BENCH_DIR.");
    }
}
