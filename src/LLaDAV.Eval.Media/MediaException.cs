namespace LLaDAV.Eval.Media;

/// <summary>
/// The one error type for media that cannot be read: undecodable or unknown image data, a missing or unreadable
/// video, or a missing native library / tool (then <see cref="MissingPackage"/> names the Debian package to install).
/// </summary>
public sealed class MediaException : Exception
{
    public MediaException()
    {
    }

    public MediaException(string message)
        : base(message)
    {
    }

    public MediaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The file involved, when the media came from a file.</summary>
    public string? MediaPath { get; init; }

    /// <summary>The Debian package whose absence caused the failure, when that was the cause.</summary>
    public string? MissingPackage { get; init; }
}
