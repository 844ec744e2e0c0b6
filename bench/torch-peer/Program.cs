// LibTorch peer for `lladav-eval bench --peer`: the same shapes as our engine, timed on request, in one run.
// Protocol (one command per stdin line, one answer line on stdout):
//   version                                   → "ok TorchSharp <v>, LibTorch <v>, <n> threads"
//   threads N                                 → torch.set_num_threads(N)
//   block DTYPE T H FF                        → seconds of y = x·Wᵀ [T,H]·[H,H]ᵀ then down(silu(gate(y))·up(y)), H→FF→H
//   forward DTYPE T H FF LAYERS HEADS VOCAB   → seconds of one LLaDA forward (bidirectional SDPA, RoPE, RMSNorm,
//                                               SwiGLU; LM head on the last row), random weights, x given
//   quit
// DTYPE is fp32 or bf16: weights and activations in that dtype, as a PyTorch model after .to(dtype) runs (RMSNorm's
// variance in fp32 as HF's LlamaRMSNorm does). The first request of a shape builds it and runs it once untimed.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

var cache = new Dictionary<string, IDisposable>();
string? key = null;
while (Console.ReadLine() is { } line)
{
    var a = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (a.Length == 0)
    {
        continue;
    }

    try
    {
        switch (a[0])
        {
            case "quit":
                return 0;
            case "version":
                Console.WriteLine($"ok TorchSharp {typeof(torch).Assembly.GetName().Version}, LibTorch {torch.__version__}, {torch.get_num_threads()} threads");
                break;
            case "threads":
                torch.set_num_threads(int.Parse(a[1], CultureInfo.InvariantCulture));
                Console.WriteLine("ok");
                break;
            case "block" or "forward":
                // one shape resident at a time: the machine is small
                if (key != line)
                {
                    foreach (var v in cache.Values)
                    {
                        v.Dispose();
                    }

                    cache.Clear();
                    GC.Collect();
                    key = line;
                    cache[line] = a[0] == "block" ? new Block(a) : new Forward(a);
                    ((IRun)cache[line]).Run();
                }

                var sw = Stopwatch.StartNew();
                ((IRun)cache[line]).Run();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {sw.Elapsed.TotalSeconds:R}"));
                break;
            default:
                Console.WriteLine($"error unknown command {a[0]}");
                break;
        }
    }
    catch (Exception e)
    {
        Console.WriteLine($"error {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    }
}

return 0;

internal interface IRun : IDisposable
{
    void Run();
}

internal static class Shapes
{
    public static ScalarType DType(string s) => s switch
    {
        "fp32" => ScalarType.Float32,
        "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"dtype {s}: fp32 or bf16"),
    };

    public static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Uniform in ±bound, made in fp32 then cast (what loading a bf16 checkpoint gives, values aside).</summary>
    public static Tensor W(ScalarType t, double bound, params long[] shape)
    {
        using var f = torch.rand(shape, ScalarType.Float32);
        return ((f * 2 - 1) * bound).to(t).DetachFromDisposeScope();
    }
}

internal sealed class Block : IRun
{
    private readonly Tensor _x, _w, _gate, _up, _down;

    public Block(string[] a)
    {
        var t = Shapes.DType(a[1]);
        int n = Shapes.I(a[2]), h = Shapes.I(a[3]), ff = Shapes.I(a[4]);
        _x = Shapes.W(t, 1, n, h);
        _w = Shapes.W(t, 1 / Math.Sqrt(h), h, h);
        _gate = Shapes.W(t, 1 / Math.Sqrt(h), ff, h);
        _up = Shapes.W(t, 1 / Math.Sqrt(h), ff, h);
        _down = Shapes.W(t, 1 / Math.Sqrt(ff), h, ff);
    }

    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.no_grad();
        var y = nn.functional.linear(_x, _w);
        var o = nn.functional.linear(nn.functional.silu(nn.functional.linear(y, _gate)) * nn.functional.linear(y, _up), _down);
        _ = o.sum().to(ScalarType.Float32).item<float>();
    }

    public void Dispose()
    {
        foreach (var t in new[] { _x, _w, _gate, _up, _down })
        {
            t.Dispose();
        }
    }
}

internal sealed class Forward : IRun
{
    private readonly Tensor _x, _cos, _sin, _finalNorm, _head;
    private readonly List<Tensor[]> _layers = [];
    private readonly int _t, _h, _heads, _hd;

    public Forward(string[] a)
    {
        var t = Shapes.DType(a[1]);
        (_t, _h) = (Shapes.I(a[2]), Shapes.I(a[3]));
        int ff = Shapes.I(a[4]), layers = Shapes.I(a[5]), vocab = Shapes.I(a[7]);
        _heads = Shapes.I(a[6]);
        _hd = _h / _heads;
        _x = Shapes.W(t, 1, _t, _h);
        for (var l = 0; l < layers; l++)
        {
            var s = 1 / Math.Sqrt(_h);
            _layers.Add([torch.ones(_h, dtype: t), Shapes.W(t, s, _h, _h), Shapes.W(t, s, _h, _h), Shapes.W(t, s, _h, _h), Shapes.W(t, s, _h, _h),
                torch.ones(_h, dtype: t), Shapes.W(t, s, ff, _h), Shapes.W(t, s, ff, _h), Shapes.W(t, 1 / Math.Sqrt(ff), _h, ff)]);
        }

        _finalNorm = torch.ones(_h, dtype: t);
        _head = Shapes.W(t, 1 / Math.Sqrt(_h), vocab, _h);
        // HF rotary embedding: inv_freq = theta^(-2i/d), angles in fp32, cos/sin cast to the model dtype
        using var inv = torch.pow(500000.0, -torch.arange(0, _hd, 2, ScalarType.Float32) / _hd);
        using var pos = torch.arange(0, _t, 1, ScalarType.Float32);
        using var freqs = torch.outer(pos, inv);
        using var emb = torch.cat([freqs, freqs], -1);
        _cos = emb.cos().to(t);
        _sin = emb.sin().to(t);
    }

    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.no_grad();
        var x = _x;
        foreach (var w in _layers)
        {
            var n = Norm(x, w[0]);
            var q = Heads(nn.functional.linear(n, w[1]));
            var k = Heads(nn.functional.linear(n, w[2]));
            var v = Heads(nn.functional.linear(n, w[3]));
            q = Rope(q);
            k = Rope(k);
            var o = nn.functional.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(_t, _h);
            x = x + nn.functional.linear(o, w[4]);
            n = Norm(x, w[5]);
            x = x + nn.functional.linear(nn.functional.silu(nn.functional.linear(n, w[6])) * nn.functional.linear(n, w[7]), w[8]);
        }

        var logits = nn.functional.linear(Norm(x.narrow(0, _t - 1, 1), _finalNorm), _head);
        _ = logits.argmax().item<long>();
    }

    private Tensor Heads(Tensor y) => y.view(_t, _heads, _hd).transpose(0, 1);

    private Tensor Rope(Tensor x)
    {
        var half = _hd / 2;
        var rotated = torch.cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return (x * _cos) + (rotated * _sin);
    }

    /// <summary>HF LlamaRMSNorm: variance in fp32, normalised value cast back, times the weight.</summary>
    private static Tensor Norm(Tensor x, Tensor weight)
    {
        var f = x.to(ScalarType.Float32);
        var r = f * torch.rsqrt(f.pow(2).mean([-1L], keepdim: true) + 1e-5);
        return weight * r.to(x.dtype);
    }

    public void Dispose()
    {
        foreach (var t in _layers.SelectMany(l => l).Append(_x).Append(_cos).Append(_sin).Append(_finalNorm).Append(_head))
        {
            t.Dispose();
        }
    }
}
