namespace LLaDAV.Eval.Models.Backends;

/// <summary><c>--model lladav</c> / <c>--model llama3v</c>: one request at a time through a loaded <see cref="LlavaModel"/>.</summary>
public sealed class LlavaBackend(string name, LlavaModel model) : IModelBackend
{
    public string Name => name;

    public string Fingerprint => model.Fingerprint;

    public LlavaModel Model => model;

    public ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new List<GenerationResult>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = model.Generate(request.Context, request.Visuals(), request.Kwargs, request.Seed);
            results.Add(new GenerationResult(output.Text, output.Usage, output.Elapsed));
        }

        return ValueTask.FromResult<IReadOnlyList<GenerationResult>>(results);
    }

    public void Dispose() => model.Dispose();
}
