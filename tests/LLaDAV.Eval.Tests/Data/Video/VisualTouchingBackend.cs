using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// A test backend (<c>--model touch</c>) that resolves every request's visuals, as the lladav and llama3v backends
/// do, records the video paths it got, and answers "A".
/// </summary>
internal sealed class VisualTouchingFactory : IModelBackendFactory
{
    public List<string> VideoPaths { get; } = [];

    public string Name => "touch";

    public string Description => "test backend that resolves visuals and answers A";

    public IModelBackend Create(ModelArgs args, BackendContext context) => new VisualTouchingBackend(VideoPaths);

    private sealed class VisualTouchingBackend(List<string> videoPaths) : IModelBackend
    {
        public string Name => "touch";

        public string Fingerprint => "touch";

        public ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
        {
            var results = new List<GenerationResult>();
            foreach (var request in batch)
            {
                videoPaths.Add(Assert.IsType<VideoInput>(Assert.Single(request.Visuals())).Path);
                results.Add(new GenerationResult("A", TokenUsage.None, TimeSpan.Zero));
            }

            return ValueTask.FromResult<IReadOnlyList<GenerationResult>>(results);
        }

        public void Dispose()
        {
        }
    }
}
