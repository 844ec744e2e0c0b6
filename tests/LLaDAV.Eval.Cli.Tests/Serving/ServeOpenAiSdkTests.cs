using System.Diagnostics;
using System.Text;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Serving;

/// <summary>
/// The official <c>openai</c> npm SDK (6.x, pinned by tests/openai-sdk/package-lock.json) drives the built CLI's
/// <c>serve</c> on the demo checkpoint (issue 25 §3): models.list, plain and streamed completions, image parts, extra
/// diffusion fields, the SDK's error classes for 401/404/400, concurrent requests. The script is
/// tests/openai-sdk/serve-sdk.mjs; it is installed with <c>npm ci</c> when node_modules is missing, and the test is
/// skipped (saying why) only when node/npm are absent or the registry cannot be reached. Then SIGTERM must stop the
/// server gracefully (exit 0).
/// </summary>
public sealed class ServeOpenAiSdkTests
{
    private static string SdkDir => Path.Combine(TestPaths.RepoRoot, "tests", "openai-sdk");

    [Fact]
    public async Task Should_serve_the_official_openai_sdk_and_stop_gracefully_on_sigterm()
    {
        EnsureSdk();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll"), "serve", "--model", "lladav", "--model-args", "path=demo", "--port", "0", "--api-key", "sk-sdk-test", "--batch-window-ms", "50" })
        {
            start.ArgumentList.Add(a);
        }

        using var server = Process.Start(start)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OutputDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data is { } line && line.Contains(" listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult(line[(line.IndexOf(" listening on ", StringComparison.Ordinal) + 14)..].Split(' ')[0]);
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        server.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("serve exited before listening:\n" + log));
        server.EnableRaisingEvents = true;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            var baseUrl = await listening.Task.WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
            Assert.StartsWith("http://127.0.0.1:", baseUrl, StringComparison.Ordinal);
            var (code, output) = Run("node", SdkDir, TimeSpan.FromMinutes(10), "serve-sdk.mjs", baseUrl, "sk-sdk-test", ServeFixture.ImagePath);
            Assert.True(code == 0, $"the openai SDK script failed (exit {code}):\n{output}\n--- serve:\n{log}");
            Assert.Contains("all checks passed", output, StringComparison.Ordinal);

            // Graceful stop: SIGTERM → in-flight work finished, "stopped", exit 0.
            Run("kill", null, TimeSpan.FromMinutes(1), "-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(server.WaitForExit(TimeSpan.FromMinutes(2)), "serve did not stop after SIGTERM:\n" + log);
            server.WaitForExit();
            Assert.Equal(0, server.ExitCode);
            lock (log)
            {
                Assert.Contains("lladav-eval serve: stopped after", log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>node_modules from the committed lock file; a skip only when node/npm or the registry is unreachable.</summary>
    private static void EnsureSdk()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Assert.Skip("node and npm are not installed (Debian: apt-get install nodejs npm); the openai SDK test needs them.");
        }

        if (File.Exists(Path.Combine(SdkDir, "node_modules", "openai", "package.json")))
        {
            return;
        }

        var (code, output) = Run("npm", SdkDir, TimeSpan.FromMinutes(5), "ci", "--no-audit", "--no-fund");
        if (code != 0)
        {
            var offline = new[] { "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ENETUNREACH", "network" }.FirstOrDefault(m => output.Contains(m, StringComparison.Ordinal));
            if (offline is not null)
            {
                Assert.Skip($"npm ci could not reach the registry ({offline}), so the openai SDK is not installed in tests/openai-sdk:\n{output}");
            }

            Assert.Fail($"npm ci in tests/openai-sdk failed (exit {code}):\n{output}");
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    private static (int Code, string Output) Run(string program, string? workingDirectory, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
