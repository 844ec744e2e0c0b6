using System.Diagnostics;
using LLaDAV.Eval.Data.Hub;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// The one progress line of a Hub download on stderr: "Downloading repo@rev: 12.0 MiB / 40.0 MiB, 3/5 files,
/// 5.1 MiB/s, ETA 6s". On a terminal it is rewritten in place (carriage return); in a log, a line every 5 seconds and
/// one at the end, so a long download shows it is alive without flooding the log.
/// </summary>
internal sealed class DownloadProgressLine(TextWriter writer, bool terminal)
{
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private string? _label;
    private int _width;

    public static DownloadProgressLine ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(HubTransferProgress p)
    {
        lock (_sinceLine)
        {
            var text = $"Downloading {p.Label}: {p.Describe()}";
            if (terminal)
            {
                writer.Write("\r" + text.PadRight(_width));
                _width = Math.Max(_width, text.Length);
                if (p.Finished)
                {
                    writer.WriteLine();
                    _width = 0;
                }
            }
            else if (p.Finished || p.Label != _label || _sinceLine.Elapsed >= TimeSpan.FromSeconds(5))
            {
                if (p.Finished || p.Done > 0 || p.Label != _label)
                {
                    writer.WriteLine(text);
                    _sinceLine.Restart();
                }
            }

            _label = p.Label;
            writer.Flush();
        }
    }
}
