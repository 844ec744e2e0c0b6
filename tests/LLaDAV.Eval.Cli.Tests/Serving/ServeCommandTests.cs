using System.Net;
using System.Net.Sockets;

namespace LLaDAV.Eval.Cli.Tests.Serving;

/// <summary><c>lladav-eval serve</c>'s flags: every bad one is one error line and exit 2 (CliHost), before anything listens.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--model replay", "--model replay")]
    [InlineData("--host example.org", "--host example.org is not an IP address")]
    [InlineData("--port 70000", "--port 70000")]
    [InlineData("--model-args colour=red", "colour")]
    [InlineData("--gen-kwargs gen_length=8,block_length=3", "block_length")]
    [InlineData("--allow-file-root /nonexistent/serve-root", "--allow-file-root /nonexistent/serve-root is not a folder")]
    [InlineData("--api-key=", "'--api-key'")]
    [InlineData("--batch-size 0", "--batch-size 0 must be >= 1")]
    public async Task Should_exit_2_with_one_error_line_for_a_bad_flag(string flags, string expected)
    {
        var (code, _, err) = await Cli.RunAsync(["serve", .. flags.Split(' ')]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_2_naming_the_port_when_it_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, err) = await Cli.RunAsync("serve", "--model-args", "path=demo", "--port", port);
        Assert.Equal(2, code);
        Assert.Contains($"--port {port}: cannot listen there", err, StringComparison.Ordinal);
    }
}
