using System.Diagnostics;
using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Scaling;

/// <summary>The Slurm client commands (sbatch, sacct, scontrol, squeue), run as processes.</summary>
public static class Slurm
{
    public static (int Code, string Out, string Err) Run(string[] command, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"{command[0]}: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return (124, stdout.Result, $"{command[0]} did not answer within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
            }

            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>sbatch --parsable prints "jobid" or "jobid;cluster".</summary>
    public static string Submit(string[] command)
    {
        var (code, stdout, stderr) = Run(command);
        if (code != 0)
        {
            throw new DataException($"'{string.Join(' ', command)}' failed (exit {code}): {stderr.Trim()}{(code == 127 ? " Is Slurm installed here (sbatch on PATH)?" : "")}");
        }

        var id = stdout.Trim().Split(';')[0];
        return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : throw new DataException($"sbatch printed '{stdout.Trim()}', not a job id.");
    }

    /// <summary>
    /// The state of each array task (index → state, e.g. RUNNING, COMPLETED, FAILED, CANCELLED) and how it was read:
    /// sacct when accounting is on, else scontrol (which remembers finished jobs for MinJobAge), else squeue (live only).
    /// </summary>
    public static (Dictionary<int, string> States, string Source) ArrayStates(string arrayJob)
    {
        var states = new Dictionary<int, string>();
        var (code, stdout, _) = Run(["sacct", "-n", "-P", "-X", "-j", arrayJob, "--format=JobID,State"], TimeSpan.FromSeconds(20));
        if (code == 0 && stdout.Trim().Length > 0)
        {
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                if (parts.Length >= 2)
                {
                    AddTasks(states, parts[0], parts[1].Split(' ')[0]);
                }
            }

            return (states, "sacct");
        }

        (code, stdout, _) = Run(["scontrol", "-o", "show", "job", arrayJob], TimeSpan.FromSeconds(20));
        if (code == 0)
        {
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
                if (fields.TryGetValue("ArrayTaskId", out var task) && fields.TryGetValue("JobState", out var state))
                {
                    AddTasks(states, arrayJob + "_" + task, state);
                }
            }

            return (states, "scontrol");
        }

        (code, stdout, _) = Run(["squeue", "-h", "-r", "-j", arrayJob, "-o", "%i|%T"], TimeSpan.FromSeconds(20));
        if (code == 0)
        {
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                if (parts.Length == 2)
                {
                    AddTasks(states, parts[0], parts[1]);
                }
            }

            return (states, "squeue");
        }

        return (states, "none");
    }

    /// <summary>"123_4" → task 4; "123_[0-3,7]" (pending tasks not yet split out) → tasks 0..3 and 7.</summary>
    internal static void AddTasks(Dictionary<int, string> states, string jobId, string state)
    {
        var underscore = jobId.IndexOf('_', StringComparison.Ordinal);
        if (underscore < 0)
        {
            return;
        }

        var spec = jobId[(underscore + 1)..].Trim('[', ']');
        var percent = spec.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            spec = spec[..percent];
        }

        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var one))
            {
                states[one] = state;
            }
            else if (range.Length == 2 && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                for (var i = a; i <= b; i++)
                {
                    states[i] = state;
                }
            }
        }
    }
}
