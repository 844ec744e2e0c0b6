namespace LLaDAV.Eval.Errors;

/// <summary>
/// A user-facing error: one sentence that names the file, the field and the fix (docs/ARCHITECTURE.md §7). The CLI prints
/// <see cref="Exception.Message"/> without a stack trace and exits with <see cref="ExitCode"/>.
/// </summary>
public abstract class EvalException : Exception
{
    protected EvalException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>2 for usage/config, 3 for data/checkpoint/media (docs/ARCHITECTURE.md §7).</summary>
    public abstract int ExitCode { get; }
}

/// <summary>Bad command line, eval.yaml or task YAML.</summary>
public sealed class ConfigException(string message, Exception? inner = null) : EvalException(message, inner)
{
    public override int ExitCode => 2;
}

/// <summary>Missing or malformed data: dataset files, responses, run directories.</summary>
public class DataException(string message, Exception? inner = null) : EvalException(message, inner)
{
    public override int ExitCode => 3;
}

/// <summary>A task's dataset has no copy on this machine at all (as opposed to a copy that does not resolve).</summary>
public sealed class DatasetMissingException(string message) : DataException(message);

/// <summary>
/// An image or video a sample needs is not where the task looked. With <c>--skip-missing-media</c> the runner
/// records the sample as skipped instead of stopping (issue 4 item 6).
/// </summary>
public sealed class MissingMediaException(string message, IReadOnlyList<string> searchedPaths) : DataException(message)
{
    public IReadOnlyList<string> SearchedPaths { get; } = searchedPaths;
}

/// <summary>
/// A dataset row lacks a column the task reads (issue 14 §2): usually a file of another dataset, or another revision,
/// under <c>--data-dir</c>. Names the file, the column, and the columns the file has.
/// </summary>
public sealed class MissingColumnException(string file, string column, IReadOnlyCollection<string> columns, string? detail = null)
    : DataException(detail ?? $"{file} has no column '{column}' that the task reads; its columns are: {string.Join(", ", columns)}.")
{
    public string File { get; } = file;

    public string Column { get; } = column;

    public IReadOnlyCollection<string> Columns { get; } = columns;
}

/// <summary>
/// A row a task's hook cannot use: a column holds another type or form than the task's dataset publishes (issue 23
/// §6), e.g. a file of another dataset or revision. Names the file and the columns the hook read, the likeliest first.
/// </summary>
public sealed class DataRowException(string file, IReadOnlyList<string> columnsRead, string message, Exception inner) : DataException(message, inner)
{
    public string File { get; } = file;

    /// <summary>The columns the hook read before it failed, the one whose value the error quotes (if any) first.</summary>
    public IReadOnlyList<string> ColumnsRead { get; } = columnsRead;
}
