using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (what Slurm and Kubernetes send before a kill) stop a run between samples (issue 14
/// §4): the first signal cancels <see cref="Token"/> and the run reports what it kept; a second one is not
/// intercepted, so the process dies as usual. Exit codes follow the shell's 128 + signal number: 130 and 143.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    public InterruptSignals(CancellationToken outer)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>128 + the signal's number: 130 for SIGINT (also when cancelled without a signal), 143 for SIGTERM.</summary>
    public int ExitCode => Volatile.Read(ref _signal) == 15 ? 143 : 130;

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _signal, context.Signal == PosixSignal.SIGTERM ? 15 : 2, 0) != 0)
        {
            return; // second signal: default action (terminate)
        }

        context.Cancel = true;
        _cancel.Cancel();
    }
}
