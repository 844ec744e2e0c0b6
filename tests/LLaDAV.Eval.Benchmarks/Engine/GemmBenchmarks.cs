using BenchmarkDotNet.Attributes;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Benchmarks.Engine;

/// <summary>
/// x·Wᵀ on a LLaDA-shaped projection (tokens × hidden · hidden × hidden): OpenBLAS (baseline) vs the managed SIMD
/// GEMM, so the ratio of the two is read from one run. <c>--filter *GemmBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks : IDisposable
{
    private CpuBackend? _blas;
    private CpuBackend? _managed;
    private (Tensor X, Tensor W, Tensor Y) _b;
    private (Tensor X, Tensor W, Tensor Y) _m;

    [Params(256, 1024)]
    public int Tokens { get; set; }

    [Params(512)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _managed = new CpuBackend(CpuGemmKind.Managed);
        _m = Make(_managed);
        if (CpuBackend.OpenBlasAvailable)
        {
            _blas = new CpuBackend(CpuGemmKind.OpenBlas);
            _b = Make(_blas);
        }
    }

    [Benchmark(Baseline = true)]
    public void OpenBlas()
    {
        if (_blas is not null)
        {
            _blas.MatMul(_b.X, _b.W, _b.Y);
        }
    }

    [Benchmark]
    public void Managed() => _managed!.MatMul(_m.X, _m.W, _m.Y);

    [GlobalCleanup]
    public void Dispose()
    {
        _blas?.Dispose();
        _managed?.Dispose();
        GC.SuppressFinalize(this);
    }

    private (Tensor, Tensor, Tensor) Make(CpuBackend backend)
    {
        var r = new Random(1);
        var x = Enumerable.Range(0, Tokens * Hidden).Select(_ => (float)r.NextDouble()).ToArray();
        var w = Enumerable.Range(0, Hidden * Hidden).Select(_ => (float)r.NextDouble()).ToArray();
        return (backend.Upload(x, new TensorShape(Tokens, Hidden)), backend.Upload(w, new TensorShape(Hidden, Hidden)), backend.Allocate(new TensorShape(Tokens, Hidden)));
    }
}
