namespace LLaDAV.Eval.Running;

/// <summary>
/// The run directory of the command in progress, for the CLI's last-resort error handler (issue 14 §2: an
/// unexpected exception names the run directory and writes its trace there). A holder set up by the caller flows
/// into the run through an AsyncLocal, so in-process commands (tests) do not see each other's runs.
/// </summary>
public static class ActiveRun
{
    private static readonly AsyncLocal<Holder?> s_current = new();

    public static string? Directory => s_current.Value?.Directory;

    /// <summary>Starts tracking for the calling flow; what the run records below is visible here.</summary>
    public static void Begin() => s_current.Value = new Holder();

    internal static void Set(string directory)
    {
        if (s_current.Value is { } holder)
        {
            holder.Directory = directory;
        }
    }

    private sealed class Holder
    {
        public string? Directory { get; set; }
    }
}
