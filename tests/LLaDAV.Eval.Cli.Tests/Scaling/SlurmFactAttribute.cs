using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LLaDAV.Eval.Cli.Tests.Scaling;

/// <summary>A fact that needs a working Slurm cluster (sinfo answers with a usable node); skipped with the reason otherwise.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_reason = new(Probe);

    public SlurmFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (s_reason.Value is { } reason)
        {
            Skip = "no Slurm cluster: " + reason + " (scripts/slurm-local-up.sh starts a one-node one as root)";
        }
    }

    private static string? Probe()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("sinfo", ["-h", "-o", "%T"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            if (!p.WaitForExit(15000))
            {
                p.Kill();
                return "sinfo did not answer within 15 s";
            }

            var states = p.StandardOutput.ReadToEnd();
            return p.ExitCode != 0 ? $"sinfo failed (exit {p.ExitCode}): {p.StandardError.ReadToEnd().Trim()}"
                : states.Split('\n').Any(s => s.Trim() is "idle" or "mixed" or "allocated" or "completing") ? null
                : $"no usable node (states: {states.Trim()})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "sinfo is not on PATH";
        }
    }
}
