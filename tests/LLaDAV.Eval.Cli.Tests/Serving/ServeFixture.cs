using LLaDAV.Eval.Cli.Serving;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Serving;

/// <summary>The real lladav backend on the demo checkpoint (random weights), loaded once and shared by the servers a test starts.</summary>
public sealed class ServeFixture : IDisposable
{
    private readonly Lazy<LlavaBackend> _backend = new(() =>
        (LlavaBackend)new LladaVBackendFactory().Create(ModelArgs.Empty, new BackendContext("cpu", 8, TestPaths.RepoRoot)));

    internal LlavaBackend Backend => _backend.Value;

    /// <summary>A repository image (tests/testdata/model-reference/image.png).</summary>
    public static string ImagePath => TestPaths.InTestData("model-reference", "image.png");

    public static string ImageDataUrl => "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(ImagePath));

    internal static ServeOptions Options(string? apiKey = null, string? fileRoot = null, long maxBody = 8L << 20, int maxBatch = 8, TimeSpan? window = null) =>
        new("127.0.0.1", 0, "lladav", apiKey, GenerationKwargs.Empty, fileRoot, maxBody, ServeOptions.DefaultMaxImages, maxBatch, window ?? TimeSpan.Zero);

    internal Task<ChatServer> StartAsync(ServeOptions options) => ChatServer.StartAsync(options, Backend);

    /// <summary>A server with serve's default batching (8 requests, 20 ms window) over a backend the test loaded itself (another checkpoint).</summary>
    internal static Task<ChatServer> StartWith(LlavaBackend backend) => ChatServer.StartAsync(Options(window: TimeSpan.FromMilliseconds(20)), backend);

    public void Dispose()
    {
        if (_backend.IsValueCreated)
        {
            _backend.Value.Dispose();
        }
    }
}
