using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// What <c>lladav-eval serve</c> was started with (one owner for each setting: the flags of ServeCommand).
/// <see cref="Defaults"/> are <c>--gen-kwargs</c>: generation settings every request starts from before its own
/// fields; <see cref="FileRoot"/> is the one folder (already resolved, symlinks followed) that <c>file://</c> image
/// URLs may name, null to refuse them all.
/// </summary>
internal sealed record ServeOptions(
    string Host,
    int Port,
    string ModelId,
    string? ApiKey,
    GenerationKwargs Defaults,
    string? FileRoot,
    long MaxBodyBytes,
    int MaxImagesPerRequest,
    int MaxBatch,
    TimeSpan BatchWindow)
{
    /// <summary>The default cap on a request body: 64 MiB (a few base64 images of benchmark size fit many times over).</summary>
    public const long DefaultMaxBodyBytes = 64L << 20;

    /// <summary>The default cap on images per request: MMMU's questions carry at most 7 (<c>&lt;image 1..7&gt;</c>).</summary>
    public const int DefaultMaxImages = 16;
}
