namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// A tokenizer file that is missing, malformed or uses a feature this reader does not implement. The message names
/// the file and the JSON key (path) at fault, so the user can see what to fix (docs/ARCHITECTURE.md §7: one typed error per kind).
/// </summary>
public sealed class TokenizerException : Exception
{
    public TokenizerException()
    {
    }

    public TokenizerException(string message)
        : base(message)
    {
    }

    public TokenizerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenizerException(string path, string key, string problem, Exception? innerException = null)
        : base($"{path}: {key}: {problem}", innerException)
    {
        FilePath = path;
        Key = key;
    }

    /// <summary>The file at fault, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The JSON key (dotted path) at fault, when known.</summary>
    public string? Key { get; }
}
