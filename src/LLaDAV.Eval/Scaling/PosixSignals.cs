using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Scaling;

/// <summary>
/// kill(2) for workers: .NET's Process.Kill only sends SIGKILL, but a worker asked to stop should get SIGINT (the
/// same as Ctrl-C in its terminal) so it can finish the sample it is writing and exit on its own.
/// </summary>
internal static partial class PosixSignals
{
    public const int SigInt = 2;

    public static bool Send(int pid, int signal) => OperatingSystem.IsWindows() ? false : Kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => !OperatingSystem.IsWindows() && (Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: exists */);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
