using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>Runs the CLI in-process (fast) or as a child process (for kill tests), against the repository's tasks.</summary>
internal static class Cli
{
    /// <summary>A fixed clock (SOURCE_DATE_EPOCH) so two runs' results.json can be compared byte for byte.</summary>
    [ModuleInitializer]
    internal static void FixClock() => Environment.SetEnvironmentVariable("SOURCE_DATE_EPOCH", "1767225600");

    public static string Tasks => Path.Combine(TestPaths.RepoRoot, "tasks");

    public static string Config => Path.Combine(TestPaths.RepoRoot, "eval.yaml");

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Program.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The standard replay run of the shipped samples, into <paramref name="output"/> as run id <paramref name="id"/>.</summary>
    public static string[] ReplayArgs(string output, string id, params string[] extra) =>
    [
        "run", "--config", Config, "--tasks-dir", Tasks, "--output", output, "--run-id", id,
        "--model", "replay",
        .. (extra.Contains("--model-args") ? Array.Empty<string>() : ["--model-args", $"responses={Path.Combine(Tasks, "*", "sample", "responses.jsonl")}"]),
        .. (extra.Contains("--tasks") ? extra : ["--tasks", "mmmu_val,mmstar", .. extra]),
    ];

    public static (int Code, string Out) RunProcess(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProcessIn(null, environment, args);

    /// <summary>As <see cref="RunProcess"/>, in <paramref name="workingDirectory"/> (relative paths in args resolve there).</summary>
    public static (int Code, string Out) RunProcessIn(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        process.OutputDataReceived += (_, e) => stdout.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => stdout.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The CLI child process did not finish within 3 minutes.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.ToString());
    }
}
