using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>Sizes of the benchmark's random LLaDA-/LLaMA-shaped model (scaled for a small CPU by default).</summary>
public sealed record EngineBenchmarkOptions
{
    public int Hidden { get; init; } = 256;

    public int Layers { get; init; } = 4;

    public int Heads { get; init; } = 4;

    public int Intermediate { get; init; } = 688;

    public int Vocab { get; init; } = 4096;

    public int PromptTokens { get; init; } = 512;

    public int GenLength { get; init; } = 32;

    public ImmutableArray<int> RefreshIntervals { get; init; } = [2, 4, 8, 16, 32, 48];

    /// <summary>Documents sampled together in the batched rows of (b); 1 alone skips them.</summary>
    public ImmutableArray<int> BatchSizes { get; init; } = [1, 4];

    /// <summary>Side of the square reference GEMM; 0 picks 8192 on a GPU and 1024 on the CPU.</summary>
    public int LargeGemm { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>LLaDA-8B's shape (docs/LLADAV-MODEL.md §1.1) with the issue's ~1.5k-token prompt and gen_length 128.</summary>
    public static EngineBenchmarkOptions Llada8B { get; } = new()
    {
        Hidden = 4096,
        Layers = 32,
        Heads = 32,
        Intermediate = 12288,
        Vocab = 126464,
        PromptTokens = 1536,
        GenLength = 128,
        BatchSizes = [1, 4, 8],
        Repeats = 1,
    };

    /// <summary>Each configuration runs this many times, interleaved in rounds; the fastest run counts (shared machines are noisy).</summary>
    public int Repeats { get; init; } = 3;
}

/// <summary>One measured configuration.</summary>
public sealed record BenchRow(string Name, double Seconds, double TokensPerSecond, double Speedup, double Agreement, int ForwardPasses);

/// <summary>All results of one <c>lladav-eval bench</c> run; ratios compare rows measured in the same run.</summary>
public sealed record EngineBenchmarkReport(
    string Backend,
    EngineBenchmarkOptions Options,
    double ForwardGflops,
    double SgemmGflops,
    MemoryRoofline Roofline,
    LargeGemmRate LargeGemm,
    ImmutableArray<BenchRow> Diffusion,
    ImmutableArray<BenchRow> Autoregressive)
{
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var o = Options;
        sb.AppendLine(c, $"backend: {Backend}");
        sb.AppendLine(c, $"model: random, hidden {o.Hidden}, {o.Layers} layers, {o.Heads} heads, ffn {o.Intermediate}, vocab {o.Vocab}; prompt {o.PromptTokens} tokens, gen {o.GenLength}");
        sb.AppendLine(c, $"(a) forward {ForwardGflops:F2} GFLOP/s vs GEMMs of the same shapes {SgemmGflops:F2} GFLOP/s → {ForwardGflops / SgemmGflops:P0} of GEMM speed");
        sb.AppendLine(c, $"    vs the backend's large square GEMM ({LargeGemm.Size}³, weights {LargeGemm.WeightType}) {LargeGemm.Gflops:F2} GFLOP/s → forward at {ForwardGflops / LargeGemm.Gflops:P0}, same-shape GEMMs at {SgemmGflops / LargeGemm.Gflops:P0}");
        sb.AppendLine("(b) masked diffusion, one block, steps = gen_length (batch rows: tokens/s of all documents, speedup vs the same configuration at batch 1):");
        sb.AppendLine("    config                 seconds   tokens/s   speedup   agreement   NFE");
        foreach (var r in Diffusion)
        {
            sb.AppendLine(c, $"    {r.Name,-22} {r.Seconds,7:F2}   {r.TokensPerSecond,8:F2}   {r.Speedup,6:F2}x   {r.Agreement,9:P0}   {r.ForwardPasses,3}");
        }

        sb.AppendLine("(c) LLaMA (causal, GQA) greedy decoding:");
        foreach (var r in Autoregressive)
        {
            sb.AppendLine(c, $"    {r.Name,-22} {r.Seconds,7:F2}   {r.TokensPerSecond,8:F2}   {r.Speedup,6:F2}x   {r.Agreement,9:P0}   {r.ForwardPasses,3}");
        }

        var m = Roofline;
        sb.AppendLine(c, $"(d) memory roofline: device copy {m.CopyGBps:F1} GB/s (read + write of {m.CopyBytes / 1e6:F0} MB); weights streamed per forward {m.WeightBytes / 1e6:F1} MB → {m.RooflineSeconds * 1e3:F3} ms");
        sb.AppendLine(c, $"    prefix-cache window step ({m.WindowRows} rows against a {m.KeyLength}-position cache) {m.StepSeconds * 1e3:F3} ms = {m.StepSeconds / m.RooflineSeconds:F2}x the roofline");
        sb.AppendLine(c, $"Each time is the fastest of {o.Repeats} runs (diffusion configurations interleaved per round); ratios come from this one run on a machine whose cores may be shared, so absolute numbers are not comparable across runs.");
        return sb.ToString();
    }
}

/// <summary>Device-to-device copy bandwidth and the measured time of one cached window step against weight bytes / bandwidth.</summary>
public sealed record MemoryRoofline(long CopyBytes, double CopyGBps, long WeightBytes, int WindowRows, int KeyLength, double StepSeconds)
{
    public double RooflineSeconds => WeightBytes / (CopyGBps * 1e9);
}

/// <summary>The backend's own rate on a large square GEMM (cuBLAS on a GPU, the CPU GEMM otherwise): the ceiling for (a).</summary>
public sealed record LargeGemmRate(int Size, DType WeightType, double Gflops);

/// <summary>
/// <c>lladav-eval bench</c>: (a) achieved GFLOP/s of the transformer forward vs sgemm on the same matrix shapes,
/// (b) diffusion tokens/s with the prefix cache at several refresh intervals vs no cache (+ agreement with the
/// exact sampler's tokens), (c) causal decoding with vs without the KV cache.
/// </summary>
public static partial class EngineBenchmark
{
    public static EngineBenchmarkReport Run(EngineBenchmarkOptions options, IComputeBackend backend, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        var o = options;
        var llada = new LanguageConfig("llada", o.Hidden, o.Intermediate, o.Layers, o.Heads, o.Heads, o.Vocab, 500000f, 1e-5f, 0, o.Vocab - 1);
        var llama = llada with { ModelType = "llama", KvHeads = Math.Max(1, o.Heads / 4) };
        // one LLaDA-shaped model serves (a), (d) and (b): for the 8B preset, making and uploading its weights dominates start-up
        using var model = RandomLanguageModel.Create(backend, llada, 2);
        var (fwd, gemm) = ForwardVersusGemm(model, o.PromptTokens + o.GenLength, progress);
        var large = LargeGemm(backend, o, progress);
        var roofline = Roofline(model, o, progress);
        var diffusion = Diffusion(model, o, progress);
        var ar = Autoregressive(backend, llama, o, progress);
        return new EngineBenchmarkReport(backend.Description, o, fwd, gemm, roofline, large, diffusion, ar);
    }

    private static (double Forward, double Gemm) ForwardVersusGemm(LanguageModel model, int tokens, Action<string>? progress, int rounds = 5)
    {
        var (backend, c) = (model.Backend, model.Config);
        progress?.Invoke("(a) forward vs sgemm");
        using var x = backend.Allocate(new TensorShape(tokens, c.HiddenSize));
        model.Embed(Enumerable.Range(0, tokens).Select(i => (i * 7919) % (c.VocabSize - 1)).ToArray(), x);
        using var logits = backend.Allocate(new TensorShape(1, c.VocabSize));
        model.Forward(x, ForwardWindow.Full, tokens - 1, logits);
        double t = tokens, h = c.HiddenSize, kv = c.KvHeads * c.HeadDim, ff = c.IntermediateSize;
        var linear = 2 * t * ((2 * h * h) + (2 * h * kv) + (3 * h * ff)) * c.Layers;
        var attention = 4 * t * t * h * c.Layers;
        var head = 2 * h * c.VocabSize;
        var forwardFlops = linear + attention + head;

        // the same GEMM shapes outside the model: x·Wqᵀ/Woᵀ, x·Wkᵀ/Wvᵀ, x·Wgateᵀ/Wupᵀ, h·Wdownᵀ, QKᵀ and PV per head
        using var a = backend.Allocate(new TensorShape(tokens, c.HiddenSize));
        using var ah = backend.Allocate(new TensorShape(tokens, c.IntermediateSize));
        // weights as the model holds them (bf16 on a GPU), so both sides run the same GEMM kernels
        using var wq = RandomLanguageModel.Uniform(backend, new TensorShape(c.HiddenSize, c.HiddenSize), 0.01f, 5, 0);
        using var wk = RandomLanguageModel.Uniform(backend, new TensorShape((int)kv, c.HiddenSize), 0.01f, 5, 1);
        using var wf = RandomLanguageModel.Uniform(backend, new TensorShape(c.IntermediateSize, c.HiddenSize), 0.01f, 5, 2);
        using var wd = RandomLanguageModel.Uniform(backend, new TensorShape(c.HiddenSize, c.IntermediateSize), 0.01f, 5, 3);
        using var oq = backend.Allocate(new TensorShape(tokens, c.HiddenSize));
        using var ok = backend.Allocate(new TensorShape(tokens, (int)kv));
        using var of = backend.Allocate(new TensorShape(tokens, c.IntermediateSize));
        using var qh = backend.Allocate(new TensorShape(c.Heads, tokens, c.HeadDim));
        using var sc = backend.Allocate(new TensorShape(c.Heads, tokens, tokens));
        using var pv = backend.Allocate(new TensorShape(c.Heads, tokens, c.HeadDim));
        void Gemms()
        {
            backend.MatMul(a, wq, oq);
            backend.MatMul(a, wq, oq);
            backend.MatMul(a, wk, ok);
            backend.MatMul(a, wk, ok);
            backend.MatMul(a, wf, of);
            backend.MatMul(a, wf, of);
            backend.MatMul(ah, wd, oq);
            backend.BatchedMatMul(qh, qh, sc, transposeB: true);
            backend.BatchedMatMul(sc, qh, pv, transposeB: false);
            Sync(backend, oq);
        }

        // forward and GEMMs alternate in rounds so both see the same machine load; the fastest of each counts
        double forwardSeconds = double.MaxValue, gemmSeconds = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            forwardSeconds = Math.Min(forwardSeconds, Time(
                () =>
                {
                    model.Forward(x, ForwardWindow.Full, tokens - 1, logits);
                    Sync(backend, logits);
                },
                1));
            gemmSeconds = Math.Min(gemmSeconds, Time(Gemms, 1));
        }
        var gemmFlops = (linear / c.Layers) + attention / c.Layers;
        return (forwardFlops / forwardSeconds / 1e9, gemmFlops / gemmSeconds / 1e9);
    }

    private static LargeGemmRate LargeGemm(IComputeBackend backend, EngineBenchmarkOptions o, Action<string>? progress)
    {
        var n = o.LargeGemm > 0 ? o.LargeGemm : backend.Name.StartsWith("cpu", StringComparison.Ordinal) ? 1024 : 8192;
        progress?.Invoke($"(a) large GEMM {n}³");
        using var w = RandomLanguageModel.Uniform(backend, new TensorShape(n, n), 0.01f, 6, 0);
        using var x = backend.Allocate(new TensorShape(n, n));
        using var y = backend.Allocate(new TensorShape(n, n));
        backend.MatMul(x, w, y);
        var seconds = Time(
            () =>
            {
                backend.MatMul(x, w, y);
                Sync(backend, y);
            },
            3);
        return new LargeGemmRate(n, w.DType, 2.0 * n * n * n / seconds / 1e9);
    }

    /// <summary>
    /// (d) A Fast-dLLM window step (the block's rows against the prefix cache) reads every weight once and does little
    /// arithmetic per byte at batch 1, so its floor is weight bytes / memory bandwidth; the bandwidth is a device copy.
    /// </summary>
    private static MemoryRoofline Roofline(LanguageModel model, EngineBenchmarkOptions o, Action<string>? progress)
    {
        progress?.Invoke("(d) memory roofline");
        var (backend, c) = (model.Backend, model.Config);
        var weightBytes = model.StreamedWeightBytes;
        var copyElements = (int)Math.Clamp(weightBytes / 8 / sizeof(float), 1 << 24, 1 << 28);
        double copySeconds;
        using (var source = backend.Allocate(new TensorShape(copyElements)))
        using (var destination = backend.Allocate(new TensorShape(copyElements)))
        {
            backend.Copy(source, destination);
            copySeconds = Time(
                () =>
                {
                    backend.Copy(source, destination);
                    Sync(backend, destination);
                },
                5);
        }

        var length = o.PromptTokens + o.GenLength;
        var rows = Math.Min(o.GenLength, 32);
        using var x = backend.Allocate(new TensorShape(length, c.HiddenSize));
        model.Embed([.. Enumerable.Range(0, length).Select(i => (i * 104729) % (c.VocabSize - 1))], x);
        using var cache = model.CreateCache(length);
        using var logits = backend.Allocate(new TensorShape(rows, c.VocabSize));
        model.Forward(x, new ForwardWindow(0, cache, length), o.PromptTokens, logits);
        var window = x.Rows(o.PromptTokens, length - o.PromptTokens);
        var step = Time(
            () =>
            {
                model.Forward(window, new ForwardWindow(o.PromptTokens, cache, length), 0, logits);
                Sync(backend, logits);
            },
            5);
        return new MemoryRoofline(2L * copyElements * sizeof(float), 2.0 * copyElements * sizeof(float) / copySeconds / 1e9, weightBytes, length - o.PromptTokens, length, step);
    }

    private static ImmutableArray<BenchRow> Diffusion(LanguageModel model, EngineBenchmarkOptions o, Action<string>? progress)
    {
        var (backend, c) = (model.Backend, model.Config);
        using var prompt = backend.Allocate(new TensorShape(o.PromptTokens, c.HiddenSize));
        model.Embed(Enumerable.Range(0, o.PromptTokens).Select(i => (i * 104729) % (c.VocabSize - 1)).ToArray(), prompt);
        var mask = c.MaskTokenId!.Value;
        DiffusionResult Run(CacheMode cache, int? r)
        {
            var options = new DiffusionOptions { GenLength = o.GenLength, Steps = o.GenLength, BlockLength = o.GenLength, MaskId = mask, ForbiddenIds = [0], Cache = cache, RefreshInterval = r };
            using var denoiser = new LanguageDenoiser(model, prompt, o.GenLength, mask, cache != CacheMode.None);
            return DiffusionSampler.Generate(denoiser, options, 0);
        }

        // configurations: no cache (exact), prefix cache at each r, dual cache; timed in interleaved rounds
        var configs = new List<(string Name, CacheMode Cache, int? R)> { ("no cache (exact)", CacheMode.None, null) };
        configs.AddRange(o.RefreshIntervals.Select(r => ($"prefix cache r={r}", CacheMode.Prefix, (int?)r)));
        configs.Add(("dual cache", CacheMode.Dual, null));
        var best = configs.Select(_ => double.MaxValue).ToArray();
        var results = new DiffusionResult[configs.Count];
        for (var round = 0; round < Math.Max(1, o.Repeats); round++)
        {
            for (var i = 0; i < configs.Count; i++)
            {
                progress?.Invoke($"(b) round {round + 1}: {configs[i].Name}");
                var sw = Stopwatch.StartNew();
                results[i] = Run(configs[i].Cache, configs[i].R);
                best[i] = Math.Min(best[i], sw.Elapsed.TotalSeconds);
            }
        }

        var rows = ImmutableArray.CreateBuilder<BenchRow>();
        for (var i = 0; i < configs.Count; i++)
        {
            rows.Add(new BenchRow(configs[i].Name, best[i], o.GenLength / best[i], best[0] / best[i], Agreement(results[0].Ids, results[i].Ids), results[i].ForwardPasses));
        }

        // batched rows: B documents per forward (one GEMM for all of them), against the same configuration at batch 1;
        // document 0 has the batch-1 prompt, so agreement shows what packing did to its tokens
        var r = o.RefreshIntervals.Contains(4) ? 4 : o.RefreshIntervals.FirstOrDefault(8);
        var single = configs.FindIndex(x => x.Cache == CacheMode.Prefix && x.R == r);
        foreach (var b in o.BatchSizes.Where(b => b > 1 && single >= 0))
        {
            progress?.Invoke($"(b) batch {b}, prefix cache r={r}");
            var prompts = Enumerable.Range(0, b).Select(i => i == 0 ? prompt : RandomPrompt(model, o.PromptTokens, i)).ToList();
            ImmutableArray<DiffusionResult> batch = [];
            model.Packing = BatchPacking.Always;
            var seconds = Time(() => batch = RunBatch(model, prompts, new DiffusionOptions { GenLength = o.GenLength, Steps = o.GenLength, BlockLength = o.GenLength, MaskId = mask, ForbiddenIds = [0], Cache = CacheMode.Prefix, RefreshInterval = r }), Math.Max(1, o.Repeats));
            model.Packing = BatchPacking.Exact;
            prompts.Skip(1).ToList().ForEach(p => p.Dispose());
            rows.Add(new BenchRow($"batch {b}, prefix r={r}", seconds, b * o.GenLength / seconds, b * best[single] / seconds, Agreement(results[single].Ids, batch[0].Ids), batch.Sum(x => x.ForwardPasses)));
        }

        return rows.ToImmutable();
    }

    private static Tensor RandomPrompt(LanguageModel model, int tokens, int salt)
    {
        var c = model.Config;
        var x = model.Backend.Allocate(new TensorShape(tokens, c.HiddenSize));
        model.Embed([.. Enumerable.Range(0, tokens).Select(i => ((i * 104729) + (salt * 7919)) % (c.VocabSize - 1))], x);
        return x;
    }

    private static ImmutableArray<DiffusionResult> RunBatch(LanguageModel model, IReadOnlyList<Tensor> prompts, DiffusionOptions options)
    {
        var denoisers = prompts.Select(p => new LanguageDenoiser(model, p, options.GenLength, options.MaskId, options.Cache != CacheMode.None)).ToList();
        try
        {
            return DiffusionSampler.GenerateBatch([.. denoisers.Select(d => new DiffusionJob(d, options, 0))], LanguageDenoiser.ForwardBatch);
        }
        finally
        {
            denoisers.ForEach(d => d.Dispose());
        }
    }

    private static ImmutableArray<BenchRow> Autoregressive(IComputeBackend backend, LanguageConfig c, EngineBenchmarkOptions o, Action<string>? progress)
    {
        using var model = RandomLanguageModel.Create(backend, c, 3);
        using var prompt = backend.Allocate(new TensorShape(o.PromptTokens, c.HiddenSize));
        model.Embed(Enumerable.Range(0, o.PromptTokens).Select(i => (i * 7) % c.VocabSize).ToArray(), prompt);
        AutoregressiveResult Run(bool cache) => AutoregressiveSampler.Generate(model, prompt, new AutoregressiveOptions(o.GenLength, 0, [], cache), 0);
        progress?.Invoke("(c) causal decoding without KV cache");
        AutoregressiveResult plain = null!, cached = null!;
        var s0 = Time(() => plain = Run(false), o.Repeats);
        progress?.Invoke("(c) causal decoding with KV cache");
        var s1 = Time(() => cached = Run(true), o.Repeats);
        return
        [
            new BenchRow("no KV cache", s0, o.GenLength / s0, 1, 1, plain.ForwardPasses),
            new BenchRow("KV cache", s1, o.GenLength / s1, s0 / s1, Agreement(plain.Ids, cached.Ids), cached.ForwardPasses),
        ];
    }

    private static double Agreement(ImmutableArray<int> a, ImmutableArray<int> b)
    {
        var n = Math.Max(a.Length, b.Length);
        return n == 0 ? 1 : Enumerable.Range(0, Math.Min(a.Length, b.Length)).Count(i => a[i] == b[i]) / (double)n;
    }

    /// <summary>The fastest of <paramref name="repeats"/> runs: on a shared machine the minimum is the least disturbed.</summary>
    /// <summary>
    /// Waits for queued device work by reading back one row: a GPU backend launches asynchronously, so timing without
    /// it would measure launch overhead (a no-op cost on the CPU backend, which computes synchronously).
    /// </summary>
    private static void Sync(IComputeBackend backend, Tensor tensor)
    {
        var row = tensor.Rows(0, 1);
        backend.Download(row, new float[row.Length]);
    }

    private static double Time(Action action, int repeats)
    {
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        return best;
    }
}
