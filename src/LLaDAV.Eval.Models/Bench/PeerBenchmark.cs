using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>One shape timed on our engine and on the peer in alternating rounds; times are medians of the rounds.</summary>
public sealed record PeerRow(string Name, ComputeDType DType, double Flops, double OursSeconds, double PeerSeconds)
{
    public double OursGflops => Flops / OursSeconds / 1e9;

    public double PeerGflops => Flops / PeerSeconds / 1e9;

    /// <summary>ours/peer speed: &gt; 1 means we are faster.</summary>
    public double Ratio => PeerSeconds / OursSeconds;
}

/// <summary>Per dtype: our forward against our GEMMs of the same shapes, the weights' resident bytes per parameter, and per-layer op times.</summary>
public sealed record DTypeProfile(ComputeDType DType, string Backend, double ForwardGflops, double GemmGflops, double BytesPerParameter, double LayerSeconds, ImmutableArray<(string Op, double Seconds)> Ops);

/// <summary>Section (e) of <c>lladav-eval bench --peer</c>.</summary>
public sealed record PeerReport(string Cpu, string Peer, int Threads, int Rounds, EngineBenchmarkOptions Options, ImmutableArray<PeerRow> Rows, ImmutableArray<DTypeProfile> Profiles, ImmutableArray<string> Skipped)
{
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var o = Options;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"(e) ours vs peer ({Peer}) on {Cpu}, {Threads} threads both, medians of {Rounds} alternating rounds");
        sb.AppendLine(c, $"    block: x[{o.PromptTokens + o.GenLength},{o.Hidden}]·W[{o.Hidden},{o.Hidden}]ᵀ then SwiGLU MLP {o.Hidden}→{o.Intermediate}→{o.Hidden}; forward: LLaDA, {o.Layers} layers, {o.Heads} heads, vocab {o.Vocab}, {o.PromptTokens + o.GenLength} tokens");
        sb.AppendLine("    row                ours s    peer s   ours GFLOP/s   peer GFLOP/s   ours/peer");
        foreach (var r in Rows)
        {
            sb.AppendLine(c, $"    {r.Name + " " + Name(r.DType),-17} {r.OursSeconds,7:F3}   {r.PeerSeconds,7:F3}   {r.OursGflops,12:F1}   {r.PeerGflops,12:F1}   {r.Ratio,8:F2}x");
        }

        foreach (var p in Profiles)
        {
            sb.AppendLine(c, $"    {Name(p.DType)}: forward {p.ForwardGflops:F1} GFLOP/s = {p.ForwardGflops / p.GemmGflops:P0} of same-shape GEMMs ({p.GemmGflops:F1}); weights resident {p.BytesPerParameter:F2} bytes/parameter; {p.Backend}");
            sb.AppendLine(c, $"      non-GEMM ops per layer (share of one layer's {p.LayerSeconds * 1e3:F0} ms): {string.Join(", ", p.Ops.Select(x => string.Create(c, $"{x.Op} {x.Seconds * 1e3:F1} ms ({x.Seconds / p.LayerSeconds:P1})")))}");
        }

        foreach (var s in Skipped)
        {
            sb.AppendLine(c, $"    skipped: {s}");
        }

        return sb.ToString();
    }

    private static string Name(ComputeDType t) => t == ComputeDType.Bf16 ? "bf16" : "fp32";
}

public static partial class EngineBenchmark
{
    /// <summary>
    /// Our CPU engine and the peer on the same shapes in one run: for fp32 and (where the CPU can) bf16, the decoder-
    /// layer-shaped block and a LLaDA forward alternate ours/peer in each round, so both see the same machine load.
    /// </summary>
    public static PeerReport ComparePeer(EngineBenchmarkOptions options, string peerCommand, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options;
        var tokens = o.PromptTokens + o.GenLength;
        var rounds = Math.Max(1, o.Repeats);
        var threads = Environment.ProcessorCount;
        using var peer = PeerProcess.Start(peerCommand);
        var version = peer.Ask("version");
        peer.Ask(string.Create(CultureInfo.InvariantCulture, $"threads {threads}"));
        var rows = ImmutableArray.CreateBuilder<PeerRow>();
        var profiles = ImmutableArray.CreateBuilder<DTypeProfile>();
        var skipped = ImmutableArray.CreateBuilder<string>();
        foreach (var dtype in new[] { ComputeDType.Fp32, ComputeDType.Bf16 })
        {
            IComputeBackend backend;
            try
            {
                backend = ComputeDevices.Create(o.Device, dtype == ComputeDType.Bf16 ? "bf16" : "fp32");
            }
            catch (NotSupportedException e)
            {
                skipped.Add(e.Message);
                continue;
            }

            using (backend)
            {
                var name = dtype == ComputeDType.Bf16 ? "bf16" : "fp32";
                var c = CultureInfo.InvariantCulture;
                progress?.Invoke($"(e) {name} block");
                var block = string.Create(c, $"block {name} {tokens} {o.Hidden} {o.Intermediate}");
                using (var ourBlock = new BlockRun(backend, tokens, o.Hidden, o.Intermediate))
                {
                    rows.Add(Alternate("block", dtype, 2.0 * tokens * (((double)o.Hidden * o.Hidden) + (3.0 * o.Hidden * o.Intermediate)), ourBlock.Run, () => peer.Seconds(block), rounds));
                }

                progress?.Invoke($"(e) {name} forward");
                var config = new LanguageConfig("llada", o.Hidden, o.Intermediate, o.Layers, o.Heads, o.Heads, o.Vocab, 500000f, 1e-5f, 0, o.Vocab - 1);
                var before = GC.GetTotalMemory(forceFullCollection: true);
                using var model = RandomLanguageModel.Create(backend, config, 2);
                var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
                var (forward, gemm) = ForwardVersusGemm(model, tokens, progress, rounds);
                var layerSeconds = ForwardFlops(config, tokens) / (forward * 1e9) / o.Layers;
                profiles.Add(new DTypeProfile(dtype, backend.Description, forward, gemm, bytes / (double)Parameters(config), layerSeconds, OpProfile(backend, config, tokens, rounds)));
                using var x = backend.Allocate(new TensorShape(tokens, o.Hidden));
                model.Embed(Enumerable.Range(0, tokens).Select(i => (i * 7919) % (o.Vocab - 1)).ToArray(), x);
                using var logits = backend.Allocate(new TensorShape(1, o.Vocab));
                var fwd = string.Create(c, $"forward {name} {tokens} {o.Hidden} {o.Intermediate} {o.Layers} {o.Heads} {o.Vocab}");
                rows.Add(Alternate("forward", dtype, ForwardFlops(config, tokens), () => model.Forward(x, ForwardWindow.Full, tokens - 1, logits), () => peer.Seconds(fwd), rounds));
            }
        }

        return new PeerReport(CpuName(), version, threads, rounds, o, rows.ToImmutable(), profiles.ToImmutable(), skipped.ToImmutable());
    }

    /// <summary>LLaDA forward FLOPs as (a) counts them: the linear layers, attention's two GEMMs, the LM head on one row.</summary>
    internal static double ForwardFlops(LanguageConfig c, int tokens)
    {
        double t = tokens, h = c.HiddenSize, kv = c.KvHeads * c.HeadDim, ff = c.IntermediateSize;
        return (2 * t * ((2 * h * h) + (2 * h * kv) + (3 * h * ff)) * c.Layers) + (4 * t * t * h * c.Layers) + (2 * h * c.VocabSize);
    }

    private static long Parameters(LanguageConfig c)
    {
        long h = c.HiddenSize, kv = c.KvHeads * c.HeadDim, ff = c.IntermediateSize;
        return (c.Layers * ((2 * h * h) + (2 * h * kv) + (3 * h * ff) + (2 * h))) + (2 * c.VocabSize * h) + h;
    }

    /// <summary>
    /// The layer's non-GEMM ops timed alone at its shapes (medians), as many times as one decoder layer runs them:
    /// where the forward's time beyond its GEMMs goes. Attention includes its QKᵀ and PV GEMMs (fp32 on both paths).
    /// </summary>
    private static ImmutableArray<(string Op, double Seconds)> OpProfile(IComputeBackend backend, LanguageConfig c, int tokens, int rounds)
    {
        int h = c.HiddenSize, ff = c.IntermediateSize;
        using var x = backend.Upload(Enumerable.Range(0, tokens * h).Select(i => ((i * 37) % 101 / 50f) - 1).ToArray(), new TensorShape(tokens, h));
        using var y = backend.Allocate(new TensorShape(tokens, h));
        using var z = backend.Allocate(new TensorShape(tokens, h));
        using var norm = backend.Upload(Enumerable.Repeat(1f, h).ToArray(), new TensorShape(h));
        using var g = backend.Upload(Enumerable.Range(0, tokens * ff).Select(i => ((i * 37) % 101 / 50f) - 1).ToArray(), new TensorShape(tokens, ff));
        using var u = backend.Allocate(new TensorShape(tokens, ff));
        using var m = backend.Allocate(new TensorShape(tokens, ff));
        var spec = new AttentionSpec(c.Heads, c.KvHeads, c.HeadDim, Causal: false);
        double Median(Action a)
        {
            a();
            var t = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                a();
                t.Add(sw.Elapsed.TotalSeconds);
            }

            return EngineBenchmark.Median(t);
        }

        var ops = new List<(string, double)>
        {
            ("2x rmsnorm", 2 * Median(() => backend.RmsNorm(x, norm, 1e-5f, y))),
            ("2x rope", 2 * Median(() => backend.ApplyRope(y, c.Heads, c.HeadDim, 0, c.RopeTheta))),
            ("attention", Median(() => backend.Attention(x, y, y, z, spec))),
            ("silu_mul", Median(() => backend.SiluMul(g, g, m))),
            ("2x residual add", 2 * Median(() => backend.Add(x, y, z))),
        };
        if (backend is Tensors.Cpu.CpuBackend { Compute: Tensors.Cpu.CpuComputeType.Bf16 })
        {
            // each bf16 MatMul rounds its own input: q, k, v, o, gate, up on [T,h] and down on [T,ffn]
            var xs = new ushort[(long)tokens * h];
            var gs = new ushort[(long)tokens * ff];
            var xf = new float[(long)tokens * h];
            var gf = new float[(long)tokens * ff];
            ops.Add(("bf16 input rounding (6x [T,h] + [T,ffn])", (6 * Median(() => Tensors.Cpu.CpuBackend.RoundToBf16(xf, xs))) + Median(() => Tensors.Cpu.CpuBackend.RoundToBf16(gf, gs))));
        }

        return [.. ops];
    }

    private const int SettleMilliseconds = 500;

    private static PeerRow Alternate(string name, ComputeDType dtype, double flops, Action ours, Func<double> peer, int rounds)
    {
        ours();
        var mine = new List<double>();
        var theirs = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            // OpenMP worker threads (LibTorch's, and oneDNN's in our process) busy-wait for a while after a parallel
            // region (GOMP_SPINCOUNT); on 2 cores that spinning would be charged to whichever side runs next, so each
            // side starts after a pause
            Thread.Sleep(SettleMilliseconds);
            var sw = Stopwatch.StartNew();
            ours();
            mine.Add(sw.Elapsed.TotalSeconds);
            Thread.Sleep(SettleMilliseconds);
            theirs.Add(peer());
        }

        return new PeerRow(name, dtype, flops, Median(mine), Median(theirs));
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static string CpuName()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/cpuinfo");
            var model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            var bf16 = Tensors.Cpu.CpuFeatures.Current.Avx512Bf16 ? "avx512_bf16" : "no avx512_bf16";
            return $"{model} ({bf16})";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}

/// <summary>y = x·Wᵀ, then down(silu(gate(y))·up(y)): the issue's decoder-layer-shaped block, on our backend's ops.</summary>
internal sealed class BlockRun : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly Tensor[] _all;
    private readonly Tensor _input, _w, _gate, _up, _down, _y, _g, _u, _o;

    public BlockRun(IComputeBackend backend, int tokens, int hidden, int ffn)
    {
        _backend = backend;
        var bound = (float)(1 / Math.Sqrt(hidden));
        _w = RandomLanguageModel.Uniform(backend, new TensorShape(hidden, hidden), bound, 9, 1);
        _gate = RandomLanguageModel.Uniform(backend, new TensorShape(ffn, hidden), bound, 9, 2);
        _up = RandomLanguageModel.Uniform(backend, new TensorShape(ffn, hidden), bound, 9, 3);
        _down = RandomLanguageModel.Uniform(backend, new TensorShape(hidden, ffn), (float)(1 / Math.Sqrt(ffn)), 9, 4);
        var data = new float[(long)tokens * hidden];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (((i * 2654435761u) >> 8) / (float)(1 << 24)) - 0.5f;
        }

        _input = backend.Upload(data, new TensorShape(tokens, hidden));
        _y = backend.Allocate(new TensorShape(tokens, hidden));
        _g = backend.Allocate(new TensorShape(tokens, ffn));
        _u = backend.Allocate(new TensorShape(tokens, ffn));
        _o = backend.Allocate(new TensorShape(tokens, hidden));
        _all = [_input, _w, _gate, _up, _down, _y, _g, _u, _o];
    }

    public void Run()
    {
        _backend.MatMul(_input, _w, _y);
        _backend.MatMul(_y, _gate, _g);
        _backend.MatMul(_y, _up, _u);
        _backend.SiluMul(_g, _u, _g);
        _backend.MatMul(_g, _down, _o);
        var row = _o.Rows(0, 1);
        _backend.Download(row, new float[row.Length]);
    }

    public void Dispose()
    {
        foreach (var t in _all)
        {
            t.Dispose();
        }
    }
}
