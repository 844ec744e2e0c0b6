using System.Net;

namespace LLaDAV.Eval.Reports.Html;

/// <summary>
/// HTML escaping and the one inline stylesheet every page shares (self-contained: no external CSS or JS). Phone-sized
/// screens (checked at 390 px in headless chromium, ReportInBrowserTests): the viewport meta lays the page out at the
/// device width, the body keeps a margin, figures scale down to the screen's width (never cut), wide tables scroll
/// sideways inside their own <c>div.scroll</c>, and a <c>table.cards</c> (the report's scores) turns each row into
/// a labelled block, so every value is visible without scrolling.
/// </summary>
public static class HtmlText
{
    public const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:2em auto;padding:0 1em;max-width:72em;color:#222;line-height:1.4}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:0.25em 0.6em}" +
        "th{background:#f2f2f2;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}" +
        ".pos{color:#0072B2}.neg{color:#D55E00}.paper{color:#555}figure{margin:1em 0}figcaption{font-size:0.85em;color:#555}" +
        "code{background:#f6f6f6;padding:0 0.2em}.scroll{overflow-x:auto;max-width:100%}.scroll>table,.scroll>svg{margin:0.5em 0}" +
        "table.kv td{overflow-wrap:anywhere}" +
        ".sample{border-left:0.4em solid #D55E00;background:#fff4ec;padding:0.5em 0.8em;font-weight:bold}" +
        "figure svg{max-width:100%;height:auto;display:block}" +
        "@media (max-width:40em){table.cards,table.cards tbody,table.cards tr,table.cards td{display:block}table.cards tr:first-child{display:none}" +
        "table.cards tr{border:1px solid #ccc;margin:0 0 0.6em}table.cards td{border:0;border-top:1px solid #eee;overflow-wrap:anywhere}" +
        "table.cards td::before{content:attr(data-label) \": \";font-weight:bold}}";

    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Page(string title, string body) =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{Escape(title)}</title>\n<style>{Style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n";
}
