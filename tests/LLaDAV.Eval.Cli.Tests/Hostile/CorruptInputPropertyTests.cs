using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;
using FluentGen = FsCheck.Fluent.Gen;

namespace LLaDAV.Eval.Cli.Tests.Hostile;

/// <summary>
/// Issue 14 §5: every input kind the tool reads is truncated, bit-flipped and spliced (FsCheck generators, seeded),
/// and the reader must either succeed or throw the tool's own error type with a message naming the file; never
/// another exception, never a hang (each case runs on its own thread, bounded by <see cref="CaseTimeout"/>), never
/// more than <see cref="AllocationCapBytes"/> allocated by one case. <see cref="CasesPerKind"/> cases per kind in CI;
/// <c>LLADAV_PROPERTY_N</c> for more, <c>LLADAV_PROPERTY_SEED</c> for another seed.
/// </summary>
public sealed class CorruptInputPropertyTests(ITestOutputHelper log) : IDisposable
{
    private const int CasesPerKind = 60;
    private const long AllocationCapBytes = 512L << 20;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One corruption of a file's bytes.</summary>
    public sealed record Mutation(string Kind, int Offset, int Other, int Length)
    {
        public byte[] Apply(byte[] original)
        {
            switch (Kind)
            {
                case "truncate":
                    return original[..Math.Min(Offset, original.Length)];
                case "bitflip":
                {
                    var copy = (byte[])original.Clone();
                    copy[Offset % copy.Length] ^= (byte)(1 << (Other & 7));
                    if (Length > 1)
                    {
                        copy[(Offset + (Length * 7919)) % copy.Length] ^= (byte)(1 << ((Other >> 3) & 7));
                    }

                    return copy;
                }

                default:
                {
                    // splice: a chunk of the file copied over another place (duplicated or shifted structure).
                    var len = Math.Min(Length, original.Length - Other);
                    var chunk = original.AsSpan(Other, Math.Max(0, len)).ToArray();
                    var at = Math.Min(Offset, original.Length);
                    return [.. original.AsSpan(0, at), .. chunk, .. original.AsSpan(Math.Min(original.Length, at + (Length / 2)))];
                }
            }
        }

        public override string ToString() => $"{Kind}(offset {Offset}, {Other}, {Length})";
    }

    /// <summary>Mutations of a file of <paramref name="length"/> bytes, concentrated on [regionStart, regionEnd) when given.</summary>
    private static Gen<Mutation> Mutations(int length, int regionStart, int regionEnd)
    {
        var offset = FluentGen.OneOf(FluentGen.Choose(regionStart, Math.Max(regionStart, regionEnd - 1)), FluentGen.Choose(0, length - 1));
        var truncate = offset.Select(o => new Mutation("truncate", o, 0, 0));
        var flip = from o in offset from bits in FluentGen.Choose(0, 63) from n in FluentGen.Choose(1, 2) select new Mutation("bitflip", o, bits, n);
        var splice = from o in offset from src in FluentGen.Choose(0, length - 1) from len in FluentGen.Choose(1, Math.Min(length, 256)) select new Mutation("splice", o, src, len);
        return FluentGen.OneOf(truncate, flip, flip, splice);
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

    /// <summary>True when <paramref name="e"/> is one of the tool's typed user errors.</summary>
    private static bool IsToolError(Exception e) =>
        e is EvalException or Media.MediaException or CheckpointException or TokenizerException or Parquet.ParquetFormatException;

    /// <summary>
    /// Runs <paramref name="read"/> on <paramref name="cases"/> corruptions of <paramref name="source"/> written to
    /// <paramref name="target"/> (restored after each case). Returns (successes, typed errors) and fails on anything else.
    /// </summary>
    private (int Ok, int Refused) Campaign(string kind, string source, string target, Action read, int regionStart = 0, int regionEnd = 0, int seedOffset = 0)
    {
        var original = File.ReadAllBytes(source);
        var cases = Setting("LLADAV_PROPERTY_N", CasesPerKind);
        var seed = (ulong)Setting("LLADAV_PROPERTY_SEED", 14) + (ulong)seedOffset;
        var mutations = FluentGen.Sample(Mutations(original.Length, regionStart, regionEnd == 0 ? original.Length : regionEnd), cases, new Rnd(seed), 100);
        int ok = 0, refused = 0;
        var failures = new List<string>();
        foreach (var m in mutations)
        {
            File.WriteAllBytes(target, m.Apply(original));
            Exception? caught = null;
            long allocated = 0;
            var thread = new Thread(() =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    read();
                }
                catch (Exception e)
                {
                    caught = e;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, 64 << 20);
            thread.Start();
            if (!thread.Join(CaseTimeout))
            {
                failures.Add($"{kind} {m}: still running after {CaseTimeout.TotalSeconds} s (hang)");
                break;
            }

            if (allocated > AllocationCapBytes)
            {
                failures.Add($"{kind} {m}: allocated {allocated >> 20} MiB (cap {AllocationCapBytes >> 20} MiB)");
            }

            if (caught is null)
            {
                ok++;
            }
            else if (IsToolError(caught) && caught.Message.Contains(Path.GetFileName(target), StringComparison.Ordinal))
            {
                refused++;
            }
            else
            {
                failures.Add($"{kind} {m}: {(IsToolError(caught) ? "the message does not name " + Path.GetFileName(target) : "unhandled")}: {caught.GetType().Name}: {caught.Message}\n{caught.StackTrace?.Split('\n').FirstOrDefault()}");
            }
        }

        File.WriteAllBytes(target, original);
        log.WriteLine($"{kind}: {mutations.Length} cases, {ok} read, {refused} refused with the tool's error, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        return (ok, refused);
    }

    private string Copy(string file, string? folder = null)
    {
        var dir = folder ?? Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8])).FullName;
        var target = Path.Combine(dir, Path.GetFileName(file));
        File.Copy(file, target, overwrite: true);
        return target;
    }

    private string CopyFolder(string folder)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var f in Directory.EnumerateFiles(folder))
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        }

        return dir;
    }

    [Fact]
    public void Task_yaml()
    {
        var tasks = Directory.CreateDirectory(Path.Combine(_dir, "tasks", "mmstar")).FullName;
        var target = Copy(Path.Combine(Cli.Tasks, "mmstar", "mmstar.yaml"), tasks);
        Campaign("task YAML", Path.Combine(Cli.Tasks, "mmstar", "mmstar.yaml"), target, () =>
        {
            var catalog = TaskCatalog.Load(Path.GetDirectoryName(tasks)!, HookRegistry.CreateDefault());
            catalog.Expand(["mmstar"]);
        });
    }

    [Fact]
    public void Eval_yaml()
    {
        var target = Copy(Cli.Config);
        Campaign("eval.yaml", Cli.Config, target, () => RunSettings.FromYaml(target));
    }

    [Fact]
    public void Config_json()
    {
        var source = TestPaths.InTestData("model-reference", "tiny-lladav", "config.json");
        var target = Copy(source);
        Campaign("config.json", source, target, () => ModelConfig.Load(target));
    }

    [Fact]
    public void Tokenizer_json()
    {
        var folder = CopyFolder(TestPaths.InTestData("model-reference", "tiny-lladav"));
        var source = TestPaths.InTestData("model-reference", "tiny-lladav", "tokenizer.json");
        Campaign("tokenizer.json", source, Path.Combine(folder, "tokenizer.json"), () => HfTokenizer.Load(folder).Encode("Hello <image> world, 12 345!", addSpecialTokens: true));
    }

    [Fact]
    public void Safetensors_header_and_data()
    {
        var source = TestPaths.InTestData("model-reference", "tiny-lladav", "model.safetensors");
        var target = Copy(source);
        var headerLength = (int)BitConverter.ToUInt64(File.ReadAllBytes(source).AsSpan(0, 8)) + 8;
        void Read()
        {
            using var file = SafetensorsFile.Open(target);
            long sum = 0;
            foreach (var entry in file.Entries.Values)
            {
                sum += file.Bytes(entry).Length;
            }
        }

        Campaign("safetensors header", source, target, Read, 0, headerLength);
        Campaign("safetensors data", source, target, Read, headerLength, (int)new FileInfo(source).Length, seedOffset: 1);
    }

    [Fact]
    public void Parquet_footer_and_pages()
    {
        var source = Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Parquet.Tests", "Fixtures", "mmmu.snappy.parquet");
        var target = Copy(source);
        var bytes = File.ReadAllBytes(source);
        var footer = (int)BitConverter.ToUInt32(bytes.AsSpan(bytes.Length - 8, 4)) + 8;
        void Read()
        {
            using var file = Parquet.ParquetFile.Open(target);
            _ = file.ReadRows().Count();
        }

        Campaign("Parquet footer", source, target, Read, bytes.Length - footer, bytes.Length);
        Campaign("Parquet pages", source, target, Read, 4, bytes.Length - footer, seedOffset: 1);
    }

    [Theory]
    [InlineData("rgba.png")]
    [InlineData("baseline420.jpg")]
    [InlineData("lossy.webp")]
    [InlineData("lossless.webp")]
    public void Images(string name)
    {
        var source = TestPaths.InTestData("images", "inputs", name);
        var target = Copy(source);
        Campaign(name, source, target, () => Media.Images.ImageDecoder.DecodeFile(target));
    }

    /// <summary>A finished replay run of the samples (journal, results.json, samples) to corrupt.</summary>
    private async Task<string> ReplayRunAsync(string id, params string[] extra)
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(Path.Combine(_dir, "runs"), id, extra));
        Assert.True(code == 0, output + error);
        return Path.Combine(_dir, "runs", "replay", id);
    }

    [Fact]
    public async Task Journal_lines()
    {
        var run = await ReplayRunAsync("journal");
        var target = Path.Combine(run, "journal", "mmmu_val.jsonl");
        var source = Copy(target);
        Campaign("journal", source, target, () => SampleJournal.Read(target));
    }

    /// <summary>compare / table read results.json and samples; the verbs' whole path runs in-process.</summary>
    private void CliCampaign(string kind, string source, string target, Func<string[]> args) =>
        Campaign(kind, source, target, () =>
        {
            var (code, _, error) = Cli.RunAsync(args()).GetAwaiter().GetResult();
            if (error.Contains("   at ", StringComparison.Ordinal) || code is not (0 or 1 or 2 or 3))
            {
                throw new InvalidOperationException($"exit {code}: {error}");
            }

            if (code is 2 or 3 && !error.Contains(Path.GetFileName(target), StringComparison.Ordinal) && !error.Contains(Path.GetDirectoryName(target)!, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"exit {code} without naming {target}: {error}");
            }

            if (code is 2 or 3)
            {
                // Refused with the tool's error (the CLI printed the typed error's message): counted as refused.
                throw new DataException(error.Replace(Path.GetDirectoryName(target)!, Path.Combine(Path.GetDirectoryName(target)!, Path.GetFileName(target)), StringComparison.Ordinal));
            }
        });

    [Fact]
    public async Task Results_and_samples_for_compare_and_table()
    {
        var baseRun = await ReplayRunAsync("base");
        var newRun = await ReplayRunAsync("new");
        var results = Path.Combine(newRun, "results.json");
        var samples = Path.Combine(newRun, "samples_mmmu_val.jsonl");
        var resultsSource = Copy(results);
        var samplesSource = Copy(samples);
        CliCampaign("results.json (compare)", resultsSource, results, () => ["compare", baseRun, newRun]);
        CliCampaign("samples (compare)", samplesSource, samples, () => ["compare", baseRun, newRun]);
        CliCampaign("results.json (table)", resultsSource, results, () => ["table", newRun]);
    }

    [Fact]
    public async Task Shard_files_for_merge()
    {
        var shard0 = await ReplayRunAsync("m", "--shard", "0/2") + "_shard0of2";
        var shard1 = await ReplayRunAsync("m", "--shard", "1/2") + "_shard1of2";
        var merged = Path.Combine(_dir, "merged");
        foreach (var (name, file) in new[] { ("manifest.json (merge)", Path.Combine(shard1, "manifest.json")), ("journal (merge)", Path.Combine(shard1, "journal", "mmstar.jsonl")) })
        {
            var source = Copy(file);
            CliCampaign(name, source, file, () => ["merge", shard0, shard1, "--output", merged + Guid.NewGuid().ToString("N")[..8], "--tasks-dir", Cli.Tasks]);
        }
    }

    [Fact]
    public void Replay_responses()
    {
        var source = Path.Combine(Cli.Tasks, "mmmu", "sample", "responses.jsonl");
        var target = Copy(source);
        Campaign("replay responses", source, target, () => new ReplayBackend([target], "lladav").Dispose());
    }
}
