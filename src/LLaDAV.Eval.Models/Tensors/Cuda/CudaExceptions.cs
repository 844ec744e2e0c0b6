namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// A CUDA library or device is missing. Derives from <see cref="NotSupportedException"/> so the CLI verbs that
/// already report an unsupported device print this message and exit non-zero.
/// </summary>
public sealed class CudaUnavailableException : NotSupportedException
{
    public CudaUnavailableException()
    {
        Library = string.Empty;
    }

    public CudaUnavailableException(string message)
        : base(message)
    {
        Library = string.Empty;
    }

    public CudaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Library = string.Empty;
    }

    public CudaUnavailableException(string library, string message)
        : base(message)
    {
        Library = library;
    }

    /// <summary>The library that could not be loaded, or empty when the libraries loaded but no device was found.</summary>
    public string Library { get; }
}

/// <summary>A CUDA driver, cuBLAS or NVRTC call returned an error status.</summary>
public sealed class CudaException : InvalidOperationException
{
    public CudaException()
    {
    }

    public CudaException(string message)
        : base(message)
    {
    }

    public CudaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
