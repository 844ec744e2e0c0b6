using System.Diagnostics;
using System.Globalization;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>
/// A benchmark peer running as a child process (bench/torch-peer: LibTorch through TorchSharp), driven line by line
/// over stdin/stdout so its runs interleave with ours in one bench run. Never used outside <c>bench --peer</c>.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    public static PeerProcess Start(string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (!File.Exists(command))
        {
            throw new ArgumentException($"--peer {command}: no such file; build the LibTorch peer with bench/torch-peer/build.sh and pass bench/torch-peer/run.sh.");
        }

        var info = new ProcessStartInfo(command) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var process = Process.Start(info) ?? throw new ArgumentException($"--peer {command} did not start.");
        return new PeerProcess(process);
    }

    /// <summary>Sends one request; the answer after "ok ", or an exception naming the peer's error.</summary>
    public string Ask(string request)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        var answer = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"The peer exited while answering '{request}'.");
        return answer.StartsWith("ok", StringComparison.Ordinal)
            ? answer.Length > 3 ? answer[3..] : ""
            : throw new InvalidOperationException($"The peer failed '{request}': {answer}");
    }

    public double Seconds(string request) => double.Parse(Ask(request), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }
        }
        catch (IOException)
        {
            // the peer already closed its pipe
        }

        _process.Dispose();
    }
}
