using System.Net;
using System.Net.Sockets;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>Issue 14 §3 at the command line: a dead judge makes an incomplete run that says so and exits 4.</summary>
public sealed class JudgeRunTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-judge-cli-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string ClosedPortUrl()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}/v1";
    }

    private string[] Args(string id, params string[] judge) => Cli.ReplayArgs(_out, id,
    [
        "--tasks", "mathverse_testmini_vision_only", "--judge-url", ClosedPortUrl(),
        "--judge-model", "cli-test-" + Guid.NewGuid().ToString("N"), "--judge-key-env", "HOME", .. judge,
    ]);

    [Fact]
    public async Task Should_exit_4_and_say_incomplete_when_the_judge_is_down()
    {
        var (code, output, error) = await Cli.RunAsync(Args("dead", "--judge-attempts", "2", "--judge-breaker", "3"));
        Assert.Equal(4, code);
        Assert.Contains("INCOMPLETE mathverse_testmini_vision_only: the judge FAILED on 4 samples; they are UNSCORED", output, StringComparison.Ordinal);
        Assert.Contains("--resume " + Path.Combine(_out, "replay", "dead"), output, StringComparison.Ordinal);

        // The progress view shows the retry and the breaker opening.
        Assert.Contains("judge: judge attempt 1/2 failed", output, StringComparison.Ordinal);
        Assert.Contains("treated as down after 3 consecutive failed requests", output, StringComparison.Ordinal);
        Assert.Equal("", error);

        // 'report' on that run: it used to stop with "results.json has no metric" (every sample unscored), and its
        // report.md, which replaces the run's, dropped the INCOMPLETE note (issue 28 §4: one report.md writer now).
        var run = Path.Combine(_out, "replay", "dead");
        (code, output, error) = await Cli.RunAsync("report", run);
        Assert.True(code == 0, output + error);
        Assert.Contains(
            "**INCOMPLETE: mathverse_testmini_vision_only**: the judge failed on 4 samples; they are unscored (not wrong)",
            await File.ReadAllTextAsync(Path.Combine(run, "report.md"), TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--judge-attempts", "0", "--judge-attempts 0 must be 1..20")]
    [InlineData("--judge-breaker", "0", "--judge-breaker 0 must be 1..1000")]
    [InlineData("--judge-timeout", "-1", "--judge-timeout -1 must be seconds in (0, 3600]")]
    public async Task Should_refuse_judge_limits_out_of_range_before_writing_anything(string flag, string value, string message)
    {
        var (code, _, error) = await Cli.RunAsync(Args("bad", flag, value));
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "replay", "bad")));
    }
}
