using BenchmarkDotNet.Attributes;
using LLaDAV.Eval.Models.Bench;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;

namespace LLaDAV.Eval.Benchmarks.Engine;

/// <summary>
/// One masked-diffusion generation (one block, steps = gen) on a random LLaDA-shaped model: no cache (baseline) vs
/// the Fast-dLLM prefix cache refreshed every r steps. <c>--filter *DiffusionCacheBenchmarks*</c>.
/// </summary>
public class DiffusionCacheBenchmarks : IDisposable
{
    private CpuBackend? _backend;
    private LanguageModel? _model;
    private Tensor? _prompt;

    [Params(0, 4, 16)]
    public int RefreshInterval { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        var config = new LanguageConfig("llada", 256, 688, 4, 4, 4, 2048, 500000f, 1e-5f, 0, 2047);
        _model = RandomLanguageModel.Create(_backend, config, 2);
        _prompt = _backend.Allocate(new TensorShape(256, 256));
        _model.Embed(Enumerable.Range(0, 256).Select(i => i * 31 % 2000).ToArray(), _prompt);
    }

    [Benchmark]
    public int Generate()
    {
        var cache = RefreshInterval == 0 ? CacheMode.None : CacheMode.Prefix;
        var options = new DiffusionOptions { GenLength = 16, Steps = 16, BlockLength = 16, MaskId = 2047, Cache = cache, RefreshInterval = RefreshInterval == 0 ? null : RefreshInterval };
        using var denoiser = new LanguageDenoiser(_model!, _prompt!, 16, 2047, cache != CacheMode.None);
        return DiffusionSampler.Generate(denoiser, options, 0).Ids.Length;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _prompt?.Dispose();
        _model?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
