using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>
/// report.html opened in a real browser (headless Debian chromium, no network): the figures are in the DOM and have a
/// size, everything the page references is a local file that exists and nothing is fetched over http(s), the browser
/// logs no console message (JavaScript errors, failed loads), and at a phone's 390 px the page does not scroll
/// sideways (wide tables and figures scroll inside their own box). The measurements come from a probe page the test writes beside
/// the report: it holds report.html in a 390 px and a 1280 px iframe and, on its load event (which waits for both
/// frames), writes what it measured into its own DOM, which --dump-dom prints. Nothing waits on a clock.
/// </summary>
public sealed partial class ReportInBrowserTests(ReportRunsFixture runs) : IClassFixture<ReportRunsFixture>, IDisposable
{
    private const int PhoneWidth = 390;
    private const int DesktopWidth = 1280;

    /// <summary>The probe: report.html framed at phone and desktop width; measures both frames once everything has loaded.</summary>
    private const string Probe = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>probe</title></head>
        <body style="margin:0">
        <iframe id="phone" src="report.html" style="width:390px;height:844px;border:0"></iframe>
        <iframe id="desktop" src="report.html" style="width:1280px;height:900px;border:0"></iframe>
        <script>
        window.addEventListener('load', () => {
          const measure = id => {
            const w = document.getElementById(id).contentWindow, d = w.document, vw = d.documentElement.clientWidth;
            const inScroller = e => {
              for (let p = e.parentElement; p && p !== d.body; p = p.parentElement) {
                const o = w.getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll') return p.getBoundingClientRect().right <= vw + 0.5;
              }
              return false;
            };
            const box = e => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width, height: r.height }; };
            return {
              viewport: vw,
              scrollWidth: d.documentElement.scrollWidth,
              metaViewport: (d.querySelector('meta[name="viewport"]') || {}).content || '',
              figures: [...d.querySelectorAll('figure')].map(f => {
                const s = f.querySelector('svg');
                return { svg: !!s, box: s ? box(s) : null, figure: box(f), inScroller: s ? inScroller(s) : false, shapes: s ? s.querySelectorAll('rect,line,path,circle,polyline,polygon,text').length : 0,
                         caption: (f.querySelector('figcaption') || {}).textContent || '' };
              }),
              images: [...d.images].map(i => ({ src: i.getAttribute('src') || '', complete: i.complete, naturalWidth: i.naturalWidth })),
              references: [...d.querySelectorAll('*')].flatMap(e => [...e.attributes]
                .filter(a => /^(src|href|xlink:href|srcset|poster|data|action|background)$/i.test(a.name)).map(a => a.value)),
              styleUrls: [...d.querySelectorAll('style')].flatMap(s => (s.textContent.match(/url\([^)]*\)|@import[^;]*/g) || [])),
              resources: w.performance.getEntriesByType('resource').map(r => r.name),
              tables: [...d.querySelectorAll('table')].map(t => ({ right: t.getBoundingClientRect().right, inScroller: inScroller(t) })),
              hiddenScores: [...d.querySelectorAll('table.scores td')].filter(td => { const r = td.getBoundingClientRect(); return r.left < -0.5 || r.right > vw + 0.5 || r.width < 1; })
                .map(td => (td.getAttribute('data-label') || '?') + '=' + td.textContent),
              scoreCells: d.querySelectorAll('table.scores td').length,
              svgs: [...d.querySelectorAll('figure svg')].map(s => ({ box: box(s), viewBox: s.getAttribute('viewBox') })),
              overflowingText: [...d.querySelectorAll('h1,h2,h3,p,figcaption,li')].filter(e => e.getBoundingClientRect().right > vw + 0.5)
                .map(e => e.tagName + ': ' + e.textContent.slice(0, 60)),
              smallestFontPx: Math.min(...[...d.querySelectorAll('h1,h2,h3,p,th,td,figcaption,li')].map(e => parseFloat(w.getComputedStyle(e).fontSize))),
            };
          };
          let result;
          try { result = { phone: measure('phone'), desktop: measure('desktop') }; } catch (e) { result = { error: String(e) }; }
          const pre = document.createElement('pre');
          pre.id = 'probe';
          pre.textContent = JSON.stringify(result);
          document.body.appendChild(pre);
        });
        </script>
        </body></html>
        """;

    private readonly string _scratch = Directory.CreateTempSubdirectory("lladav-browser-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [RequiresChromiumFact]
    public async Task Should_render_the_figures_offline_without_console_errors_and_fit_a_phone()
    {
        var report = await WriteReportAsync();
        var probe = Path.Combine(Path.GetDirectoryName(report)!, "probe.html");
        await File.WriteAllTextAsync(probe, Probe);

        // --allow-file-access-from-files: the probe may read its file:// frames' documents (same origin then).
        var (dom, log) = await ChromiumAsync(probe, $"--window-size={DesktopWidth + 100},1000", "--allow-file-access-from-files", "--dump-dom");
        var match = ProbeElement().Match(dom);
        Assert.True(match.Success, $"The probe wrote no result; DOM:\n{dom}\nlog:\n{log}");
        var result = JsonNode.Parse(WebUtility.HtmlDecode(match.Groups[1].Value))!.AsObject();
        Assert.False(result.ContainsKey("error"), $"The probe failed: {result["error"]}");
        Assert.Empty(ConsoleMessages(log));

        foreach (var (name, width) in new[] { ("phone", PhoneWidth), ("desktop", DesktopWidth) })
        {
            var page = result[name]!.AsObject();
            Assert.True((double)page["viewport"]! <= width, $"{name}: viewport {page["viewport"]} px, expected at most {width}");

            // The figures: inline SVGs with drawn content and a size, not clipped by the viewport.
            var figures = page["figures"]!.AsArray();
            Assert.NotEmpty(figures);
            Assert.Contains(figures, f => ((string)f!["caption"]!).Contains("scores.svg", StringComparison.Ordinal));
            foreach (var f in figures)
            {
                Assert.True((bool)f!["svg"]!, $"{name}: figure '{f["caption"]}' has no svg");
                var box = f["box"]!;
                Assert.True((double)box["width"]! > 50 && (double)box["height"]! > 50, $"{name}: figure '{f["caption"]}' is {box["width"]}x{box["height"]} px");
                Assert.True((double)f["figure"]!["right"]! <= (double)page["viewport"]! + 0.5, $"{name}: figure '{f["caption"]}' ends at {f["figure"]!["right"]} px of {page["viewport"]}");
                // Scaled to the screen, not cut or left to scroll sideways (issue 26: a third of each figure showed on a phone).
                Assert.True((double)box["left"]! >= 0 && (double)box["right"]! <= (double)page["viewport"]! + 0.5, $"{name}: figure '{f["caption"]}' spans {box["left"]}..{box["right"]} px of {page["viewport"]}");
                Assert.True((int)f["shapes"]! > 5, $"{name}: figure '{f["caption"]}' draws nothing");
            }

            // Offline: every reference is relative (or an in-page #fragment) and names a file that exists; no http(s) fetches.
            foreach (var reference in page["references"]!.AsArray().Select(r => (string)r!))
            {
                Assert.False(Regex.IsMatch(reference, "^([a-z][a-z0-9+.-]*:|//)", RegexOptions.IgnoreCase) && !reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase), $"{name}: absolute reference '{reference}'");
                if (!reference.StartsWith('#') && !reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                {
                    var local = Uri.UnescapeDataString(reference.Split('#', '?')[0]);
                    Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(report)!, local)), $"{name}: '{reference}' does not exist beside report.html");
                }
            }

            Assert.Empty(page["styleUrls"]!.AsArray());
            Assert.DoesNotContain(page["resources"]!.AsArray(), r => !((string)r!).StartsWith("file:", StringComparison.Ordinal));
            foreach (var img in page["images"]!.AsArray())
            {
                Assert.True((bool)img!["complete"]! && (int)img["naturalWidth"]! > 0, $"{name}: image '{img["src"]}' did not load");
            }

            // Readable: no sideways scrolling of the page; tables wider than the screen scroll in their own box.
            Assert.True((double)page["scrollWidth"]! <= (double)page["viewport"]!, $"{name}: the page is {page["scrollWidth"]} px wide in a {page["viewport"]} px viewport");
            Assert.Empty(page["overflowingText"]!.AsArray());
            foreach (var table in page["tables"]!.AsArray())
            {
                Assert.True((double)table!["right"]! <= (double)page["viewport"]! + 0.5 || (bool)table["inScroller"]!, $"{name}: a table ends at {table["right"]} px outside a scrolling box");
            }

            Assert.True((double)page["smallestFontPx"]! >= 12, $"{name}: text as small as {page["smallestFontPx"]} px");

            // Every score (value, paper, Δ, ...) is on screen without scrolling sideways; each figure keeps its aspect.
            Assert.True((int)page["scoreCells"]! > 0, $"{name}: no scores table");
            Assert.Empty(page["hiddenScores"]!.AsArray());
            foreach (var svg in page["svgs"]!.AsArray())
            {
                var viewBox = ((string)svg!["viewBox"]!).Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                var shown = svg["box"]!;
                var (expected, actual) = (viewBox[2] / viewBox[3], (double)shown["width"]! / (double)shown["height"]!);
                Assert.True(Math.Abs(actual - expected) <= 0.01 * expected, $"{name}: a figure drawn {shown["width"]}x{shown["height"]} px has lost its {viewBox[2]}x{viewBox[3]} aspect (cut, not scaled)");
            }
        }

        // A phone browser lays the page out at the device width only when the page says so.
        Assert.Contains("width=device-width", (string)result["phone"]!["metaViewport"]!, StringComparison.Ordinal);
    }

    [RequiresChromiumFact]
    public async Task Should_screenshot_the_report_at_phone_and_desktop_width_without_console_errors()
    {
        var report = await WriteReportAsync();
        foreach (var (width, height) in new[] { (PhoneWidth, 844), (DesktopWidth, 900) })
        {
            var png = Path.Combine(_scratch, $"report-{width}.png");
            var (_, log) = await ChromiumAsync(report, $"--window-size={width},{height}", $"--screenshot={png}");
            Assert.Empty(ConsoleMessages(log));
            var bytes = await File.ReadAllBytesAsync(png);
            Assert.True(bytes.Length > 1000 && bytes[0] == 0x89 && bytes[1] == (byte)'P', $"{png} is not a PNG");
            Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4))); // IHDR width
        }
    }

    /// <summary>
    /// Issue 26: the report's inline figures must look exactly like each figure alone. Each figure is screenshot in
    /// place, inside the full report.html (every other figure still in the document, so colliding ids would still
    /// resolve to another figure's clip rectangle): a style added to the page's head pins that one figure at the
    /// top left, at its own size, over a white sheet. The same SVG file is screenshot alone in an otherwise empty page
    /// at the same window size. The pixels must agree.
    /// </summary>
    [RequiresChromiumFact]
    public async Task Should_draw_each_inline_figure_pixel_for_pixel_as_the_figure_alone()
    {
        var report = await WriteReportAsync();
        var folder = Path.GetDirectoryName(report)!;
        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        var captions = Regex.Matches(html, "<figcaption>(.*?)</figcaption>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.True(captions.Count >= 3, $"the report should inline several figures, has {captions.Count}");
        for (var i = 0; i < captions.Count; i++)
        {
            var svg = await File.ReadAllTextAsync(Path.Combine(folder, captions[i]), TestContext.Current.CancellationToken);
            var root = System.Xml.Linq.XDocument.Parse(svg).Root!;
            var (w, h) = ((int)Math.Ceiling(double.Parse(root.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture)),
                (int)Math.Ceiling(double.Parse(root.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture)));
            const string sheet = "html,body{overflow:hidden}body::before{content:'';position:fixed;inset:0;background:#fff;z-index:2147483646}";
            var inPlace = Path.Combine(folder, $"inplace-{i}.html");
            await File.WriteAllTextAsync(inPlace, html.Replace("</head>", $"<style>{sheet}figure:nth-of-type({i + 1})>svg{{position:fixed;left:0;top:0;z-index:2147483647;max-width:none;width:{w}px;height:{h}px}}</style></head>", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var alone = Path.Combine(folder, $"alone-{i}.html");
            await File.WriteAllTextAsync(alone, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>{sheet}svg{{position:fixed;left:0;top:0;z-index:2147483647;width:{w}px;height:{h}px}}</style></head><body>{svg[svg.IndexOf("<svg", StringComparison.Ordinal)..]}</body></html>", TestContext.Current.CancellationToken);

            using var a = await ScreenshotAsync(inPlace, w, h);
            using var b = await ScreenshotAsync(alone, w, h);
            var (differing, worst) = Difference(a, b);
            Assert.True(differing == 0, $"{captions[i]}: {differing} of {w * h} pixels differ (worst channel difference {worst}) between the figure in report.html and the figure alone");
        }
    }

    private async Task<SkiaSharp.SKBitmap> ScreenshotAsync(string page, int width, int height)
    {
        var png = Path.ChangeExtension(page, ".png");
        var (_, log) = await ChromiumAsync(page, $"--window-size={width},{height}", "--hide-scrollbars", "--force-device-scale-factor=1", $"--screenshot={png}");
        Assert.Empty(ConsoleMessages(log));
        return SkiaSharp.SKBitmap.Decode(png);
    }

    /// <summary>Pixels whose colour differs by more than 8 in any channel (anti-aliasing noise is below that), and the largest difference.</summary>
    private static (int Differing, int Worst) Difference(SkiaSharp.SKBitmap a, SkiaSharp.SKBitmap b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        int differing = 0, worst = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
                var d = Math.Max(Math.Abs(p.Red - q.Red), Math.Max(Math.Abs(p.Green - q.Green), Math.Abs(p.Blue - q.Blue)));
                worst = Math.Max(worst, d);
                differing += d > 8 ? 1 : 0;
            }
        }

        return (differing, worst);
    }

    private async Task<string> WriteReportAsync()
    {
        // Several figures on one page: the scaling figures drawn into the report's folder are inlined beside scores.svg.
        var folder = Path.Combine(_scratch, "report");
        var (plotCode, plotOut, plotError) = await Cli.RunAsync("plot", "scaling", runs.Base, runs.New, "--out", folder, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(plotCode == 0, plotOut + plotError);
        var (code, output, error) = await Cli.RunAsync("report", runs.Base, "--out", folder, "--paper-data", ReportRunsFixture.PaperData);
        Assert.True(code == 0, output + error);
        return Path.Combine(folder, "report.html");
    }

    /// <summary>Runs headless chromium on a file with a fresh profile and no network; returns stdout and its log (stderr).</summary>
    private async Task<(string Out, string Log)> ChromiumAsync(string file, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("lladav-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--enable-logging=stderr", "--v=0", .. extra, new Uri(file).AbsoluteUri])
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                var (o, e) = (await stdout, await stderr);
                Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}:\n{e}");
                return (o, e);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish {Path.GetFileName(file)} within 2 minutes.");
            }
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>What the page logged to the console (chromium prints it as <c>INFO:CONSOLE…] "message", source: …</c>).</summary>
    private static List<string> ConsoleMessages(string log) =>
        [.. log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal))];

    [GeneratedRegex("<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeElement();
}

/// <summary>A fact skipped, with the reason shown, when chromium is not on PATH.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "chromium"))))
        {
            Skip = "chromium is not on PATH: install the Debian package chromium (apt-get install -y --no-install-recommends chromium).";
        }
    }
}
