using System.Net;

namespace LLaDAV.Eval.Reports.Html;

/// <summary>
/// HTML escaping and the one inline stylesheet every page shares (self-contained: no external CSS or JS). Phone-sized
/// screens (checked at 390 px in headless chromium, ReportInBrowserTests): the viewport meta lays the page out at the
/// device width, the body keeps a margin, and wide tables and figures scroll sideways inside their own
/// <c>div.scroll</c> instead of widening the page.
/// </summary>
public static class HtmlText
{
    public const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:2em auto;padding:0 1em;max-width:72em;color:#222;line-height:1.4}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:0.25em 0.6em}" +
        "th{background:#f2f2f2;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}" +
        ".pos{color:#0072B2}.neg{color:#D55E00}.paper{color:#555}figure{margin:1em 0}figcaption{font-size:0.85em;color:#555}" +
        "code{background:#f6f6f6;padding:0 0.2em}.scroll{overflow-x:auto;max-width:100%}.scroll>table,.scroll>svg{margin:0.5em 0}" +
        "table.kv td{overflow-wrap:anywhere}";

    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Page(string title, string body) =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{Escape(title)}</title>\n<style>{Style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n";
}
