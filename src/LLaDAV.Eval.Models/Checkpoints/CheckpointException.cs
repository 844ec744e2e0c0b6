namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>What is wrong with a checkpoint (docs/ARCHITECTURE.md §7: one typed exception per input-error kind).</summary>
public enum CheckpointErrorKind
{
    MissingFile,
    InvalidConfig,
    InvalidHeader,
    Truncated,
    MissingTensor,
    WrongShape,
    UnsupportedDType,
}

/// <summary>A checkpoint that cannot be loaded, naming the tensor (when one is at fault) and the file.</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(CheckpointErrorKind kind, string filePath, string? tensorName, string message)
        : base(message)
    {
        Kind = kind;
        FilePath = filePath;
        TensorName = tensorName;
    }

    public CheckpointException()
        : this(CheckpointErrorKind.InvalidHeader, string.Empty, null, "Invalid checkpoint.")
    {
    }

    public CheckpointException(string message)
        : this(CheckpointErrorKind.InvalidHeader, string.Empty, null, message)
    {
    }

    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    public CheckpointErrorKind Kind { get; }

    public string FilePath { get; }

    public string? TensorName { get; }
}
