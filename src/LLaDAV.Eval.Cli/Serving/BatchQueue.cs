using System.Threading.Channels;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// One queue in front of the model: requests arriving within <see cref="ServeOptions.BatchWindow"/> of the first
/// waiting one, up to <see cref="ServeOptions.MaxBatch"/>, go to the backend as one batch, the way the evaluation
/// runner hands it a <c>--batch-size</c> batch (EvaluationRunner.RunBatchAsync): <see cref="LlavaModel.GenerateBatch"/>
/// samples them in lockstep, one batched forward per step, each with its own settings and seed. Batching changes no
/// token: with the default <c>batch_packing=exact</c> a batched request gets the logits it gets alone (LlavaModel,
/// LanguageModel.Forward), so the window only trades latency for throughput. One worker owns the model: batches never
/// overlap.
/// </summary>
internal sealed class BatchQueue : IAsyncDisposable
{
    private readonly IModelBackend _backend;
    private readonly ServeOptions _options;
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private long _batches;

    public BatchQueue(IModelBackend backend, ServeOptions options)
    {
        _backend = backend;
        _options = options;
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Batches run so far and the largest one (for the server's log and tests).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public int LargestBatch { get; private set; }

    public Task<GenerationResult> EnqueueAsync(GenerationRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(pending))
        {
            pending.Done.SetException(new InvalidOperationException("The server is shutting down."));
        }

        return pending.Done.Task;
    }

    /// <summary>Stops taking requests, finishes those queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<Pending>();
            if (!reader.TryRead(out var first))
            {
                continue;
            }

            batch.Add(first);
            using (var window = new CancellationTokenSource(_options.BatchWindow))
            {
                while (batch.Count < _options.MaxBatch)
                {
                    if (reader.TryRead(out var next))
                    {
                        batch.Add(next);
                        continue;
                    }

                    try
                    {
                        if (!await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            Run(batch);
        }
    }

    private void Run(List<Pending> batch)
    {
        Interlocked.Increment(ref _batches);
        LargestBatch = Math.Max(LargestBatch, batch.Count);
        IReadOnlyList<GenerationResult> results;
        try
        {
            results = _backend.GenerateAsync([.. batch.Select(p => p.Request)], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One failing request must not fail its batch-mates (as the runner's OneByOneAsync): each alone, own outcome.
            foreach (var p in batch)
            {
                Run([p]);
            }

            return;
        }
        catch (Exception e)
        {
            batch[0].Done.SetException(e);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.SetResult(results[i]);
        }
    }

    private sealed record Pending(GenerationRequest Request, TaskCompletionSource<GenerationResult> Done);
}
