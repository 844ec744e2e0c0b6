namespace LLaDAV.Eval.Errors;

/// <summary>
/// A user-facing error: one sentence that names the file, the field and the fix (DESIGN.md §7). The CLI prints
/// <see cref="Exception.Message"/> without a stack trace and exits with <see cref="ExitCode"/>.
/// </summary>
public abstract class EvalException : Exception
{
    protected EvalException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>2 for usage/config, 3 for data/checkpoint/media (DESIGN.md §7).</summary>
    public abstract int ExitCode { get; }
}

/// <summary>Bad command line, eval.yaml or task YAML.</summary>
public sealed class ConfigException(string message, Exception? inner = null) : EvalException(message, inner)
{
    public override int ExitCode => 2;
}

/// <summary>Missing or malformed data: dataset files, responses, run directories.</summary>
public sealed class DataException(string message, Exception? inner = null) : EvalException(message, inner)
{
    public override int ExitCode => 3;
}
