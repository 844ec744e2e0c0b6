namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// <c>--model lladav</c> / <c>--model llama3v</c>: the runner's batch (<c>--batch-size</c>) is generated together through a
/// loaded <see cref="LlavaModel"/>, one batched forward per sampling step.
/// </summary>
public sealed class LlavaBackend(string name, LlavaModel model) : IModelBackend
{
    public string Name => name;

    public string Fingerprint => model.Fingerprint;

    public LlavaModel Model => model;

    public ComputeDeviceInfo? Device => ComputeDeviceInfo.Of(model.Backend);

    public ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var outputs = model.GenerateBatch([.. batch.Select(r => new GenerationInput(r.Context, r.Visuals(), r.Kwargs, r.Seed))]);
        return ValueTask.FromResult<IReadOnlyList<GenerationResult>>([.. outputs.Select(o => new GenerationResult(o.Text, o.Usage, o.Elapsed))]);
    }

    public void Dispose() => model.Dispose();
}
