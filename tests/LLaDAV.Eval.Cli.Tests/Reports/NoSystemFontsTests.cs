using System.Diagnostics;
using LLaDAV.Eval.Testing;
using SkiaSharp;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>Figures on a machine with no fonts at all: the same PNG bytes as with fonts, and the text is drawn.</summary>
public sealed class NoSystemFontsTests(ReportRunsFixture runs) : IClassFixture<ReportRunsFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("lladav-nofonts-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Plots_render_the_same_bytes_with_the_system_fonts_hidden()
    {
        var unavailable = WhyNoMountNamespace();
        Assert.SkipWhen(unavailable is not null, unavailable ?? "");
        var withFonts = Path.Combine(_scratch, "fonts");
        var noFonts = Path.Combine(_scratch, "nofonts");
        var (code, output) = Cli.RunProcess(new Dictionary<string, string>(), "plot", "scaling", runs.Base, runs.New, "--out", withFonts, "--png", "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output);

        // The same command in a mount namespace where /usr/share/fonts and /etc/fonts are empty: fontconfig and
        // Skia's directory scan find nothing, so any text not drawn with the embedded font would vanish or change.
        var dll = Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll");
        var script = "mount -t tmpfs tmpfs /usr/share/fonts && mount -t tmpfs tmpfs /etc/fonts && test -z \"$(ls -A /usr/share/fonts)\" && exec dotnet \"$@\"";
        var start = new ProcessStartInfo("/usr/bin/unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", dll,
            "plot", "scaling", runs.Base, runs.New, "--out", noFonts, "--png", "--paper-data", ReportRunsFixture.PaperData])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var process = Process.Start(start)!)
        {
            var token = TestContext.Current.CancellationToken;
            var stdout = process.StandardOutput.ReadToEndAsync(token);
            var stderr = await process.StandardError.ReadToEndAsync(token);
            await process.WaitForExitAsync(token);
            Assert.True(process.ExitCode == 0, await stdout + stderr);
        }

        foreach (var name in new[] { "scaling.png", "scaling.svg" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(withFonts, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(noFonts, name))), $"{name} differs when the system fonts are hidden");
        }

        // And the title is really drawn: dark pixels where it sits (16 px in, 12 px down, 17 px text; PNG at 2x).
        using var png = SKBitmap.Decode(Path.Combine(noFonts, "scaling.png"));
        var dark = 0;
        for (var y = 24; y < 64; y++)
        {
            for (var x = 32; x < 400; x++)
            {
                dark += png.GetPixel(x, y).Red < 100 ? 1 : 0;
            }
        }

        Assert.True(dark > 500, $"only {dark} dark pixels where the title should be");
        Assert.Contains("Data scaling: score vs training samples (sample data)", SvgTexts.Of(File.ReadAllText(Path.Combine(noFonts, "scaling.svg"))));
    }

    /// <summary>Null when this process may hide the system fonts (root, util-linux's unshare, mount rights), else why not.</summary>
    private static string? WhyNoMountNamespace()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/unshare"))
        {
            return "hiding the system fonts needs root and /usr/bin/unshare (util-linux)";
        }

        using var probe = Process.Start(new ProcessStartInfo("/usr/bin/unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /usr/share"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : $"this machine refuses a private mount namespace (unshare --mount exit {probe.ExitCode}): {probe.StandardError.ReadToEnd().Trim()}";
    }
}
