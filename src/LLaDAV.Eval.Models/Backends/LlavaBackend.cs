using System.Diagnostics;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// <c>--model lladav</c> / <c>--model llama3v</c>: the runner's batch (<c>--batch-size</c>) is generated together through a
/// loaded <see cref="LlavaModel"/>, one batched forward per sampling step. Media (decoding, crops, resizes) can be
/// prepared ahead by the runner through <see cref="IMediaPrefetch"/>; what the model still waits for is reported
/// per request (<see cref="GenerationResult.MediaWait"/>).
/// </summary>
public sealed class LlavaBackend(string name, LlavaModel model) : IModelBackend, IMediaPrefetch
{
    public string Name => name;

    public string Fingerprint => model.Fingerprint;

    public LlavaModel Model => model;

    public PreparedMedia PrepareMedia(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return model.PrepareMedia(request.Visuals());
    }

    public ComputeDeviceInfo? Device => ComputeDeviceInfo.Of(model.Backend);

    public ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        // Media first, in request order: the first request whose media fails raises its error, as preparing each
        // request in turn did.
        var inputs = new List<GenerationInput>(batch.Count);
        var waits = new TimeSpan[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var r = batch[i];
            var clock = Stopwatch.StartNew();
            // A prefetch still running (a long video decode) is waited for with the run's token: a signal stops the
            // wait; the abandoned prefetch is CPU work on a background thread and does not hold the process.
            var media = r.Media is { } prefetched
                ? (LlavaMedia)prefetched.WaitAsync(cancellationToken).GetAwaiter().GetResult()
                : model.PrepareMedia(r.Visuals());
            waits[i] = clock.Elapsed;
            inputs.Add(new GenerationInput(r.Context, [], r.Kwargs, r.Seed) { Media = media });
        }

        var outputs = model.GenerateBatch(inputs, cancellationToken);
        return ValueTask.FromResult<IReadOnlyList<GenerationResult>>([.. outputs.Select((o, i) => new GenerationResult(o.Text, o.Usage, o.Elapsed + waits[i]) { MediaWait = waits[i], Stopped = o.Stopped })]);
    }

    public void Dispose() => model.Dispose();
}
