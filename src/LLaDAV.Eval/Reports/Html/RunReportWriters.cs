using System.Globalization;
using System.Text;
using LLaDAV.Eval.Reports.Plots;

namespace LLaDAV.Eval.Reports.Html;

/// <summary><c>report.md</c>: manifest summary, scores beside the paper, extraction diagnostics, timing; figures linked as files.</summary>
public sealed class RunReportMarkdownWriter : IReportWriter<RunReportModel>
{
    public string Format => "md";

    public string Write(RunReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder();
        // Run path, tags, model args are the user's or the data's text: literal Markdown (issue 23 §6).
        sb.Append("# ").Append(Running.RunReport.Text(model.Title)).Append("\n\n");
        if (model.SampleNotice is { } notice)
        {
            sb.Append("> **").Append(notice).Append("**\n\n");
        }

        sb.Append("## Run\n\n");
        foreach (var (k, v) in model.Manifest)
        {
            sb.Append("- ").Append(k).Append(": ").Append(v.Length == 0 ? "-" : Running.RunReport.Text(v)).Append('\n');
        }

        sb.Append("\n## Scores\n\nValues on the paper's scale where the paper reports the metric; paper = the row of this run's model family (Tables 2-3).\n\n");
        sb.Append("| task | metric | value | stderr | paper | Δ | samples | data |\n|---|---|---:|---:|---:|---:|---:|---|\n");
        foreach (var s in model.Scores)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {s.Task} | `{s.Metric}` | {s.Value} | {s.Stderr} | {s.Paper} | {s.Delta} | {s.Samples} | {s.DataSource} |\n");
        }

        sb.Append("\n## Answer extraction\n\n| task | records | by status | by rule | fallback | unparseable |\n|---|---:|---|---|---:|---:|\n");
        foreach (var e in model.Extraction)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {e.Task} | {e.Records} | {e.ByStatus} | {e.ByRule} | {e.FallbackShare:P1} | {e.UnparseableShare:P1} |\n");
        }

        sb.Append("\n## Timing\n\n| task | samples | wall s | generated tokens | tokens/s |\n|---|---:|---:|---:|---:|\n");
        foreach (var t in model.Timing)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Task} | {t.Samples} | {t.WallSeconds} | {t.GeneratedTokens} | {t.TokensPerSecond} |\n");
        }

        if (!model.Figures.IsEmpty)
        {
            sb.Append("\n## Plots\n\n");
            foreach (var f in model.Figures)
            {
                sb.Append("- ").Append(f.Caption).Append('\n');
            }
        }

        return sb.ToString();
    }
}

/// <summary><c>report.html</c>: the same content, self-contained (inline CSS, SVG figures inline, no scripts or links).</summary>
public sealed class RunReportHtmlWriter : IReportWriter<RunReportModel>
{
    public string Format => "html";

    public string Write(RunReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(HtmlText.Escape(model.Title)).Append("</h1>\n");
        if (model.SampleNotice is { } notice)
        {
            sb.Append("<p class=\"sample\" role=\"alert\">").Append(HtmlText.Escape(notice)).Append("</p>\n");
        }

        sb.Append("<h2>Run</h2>\n<div class=\"scroll\"><table class=\"kv\">\n");
        foreach (var (k, v) in model.Manifest)
        {
            sb.Append("<tr><th>").Append(HtmlText.Escape(k)).Append("</th><td>").Append(HtmlText.Escape(v.Length == 0 ? "-" : v)).Append("</td></tr>\n");
        }

        sb.Append("</table></div>\n<h2>Scores</h2>\n<p>Values on the paper's scale where the paper reports the metric; paper = the row of this run's model family (Tables 2-3).</p>\n");
        // The scores table is the page's point: on a phone each row becomes a labelled block (HtmlText.Style's
        // table.cards rule), so every value is on screen without scrolling sideways.
        Table(sb, ["task", "metric", "value", "stderr", "paper", "Δ", "samples", "data"], model.Scores.Select(s => new[] { s.Task, s.Metric, s.Value, s.Stderr, s.Paper, s.Delta, s.Samples.ToString(CultureInfo.InvariantCulture), s.DataSource }), "cards scores");
        sb.Append("<h2>Answer extraction</h2>\n");
        Table(sb, ["task", "records", "by status", "by rule", "fallback", "unparseable"], model.Extraction.Select(e => new[]
        {
            e.Task, e.Records.ToString(CultureInfo.InvariantCulture), e.ByStatus, e.ByRule, e.FallbackShare.ToString("P1", CultureInfo.InvariantCulture), e.UnparseableShare.ToString("P1", CultureInfo.InvariantCulture),
        }));
        sb.Append("<h2>Timing</h2>\n");
        Table(sb, ["task", "samples", "wall s", "generated tokens", "tokens/s"], model.Timing.Select(t => new[] { t.Task, t.Samples.ToString(CultureInfo.InvariantCulture), t.WallSeconds, t.GeneratedTokens, t.TokensPerSecond }));
        if (!model.Figures.IsEmpty)
        {
            sb.Append("<h2>Plots</h2>\n");
            for (var i = 0; i < model.Figures.Length; i++)
            {
                // The SVG is inlined without its XML prolog so the page needs no external files; scaled down to the
                // screen's width (viewBox, HtmlText.Style), never cut. Its ids get the figure's number as a prefix:
                // ids are page-wide, and a file written by an older version may still say clip0 like its neighbour.
                var f = model.Figures[i];
                sb.Append("<figure>\n").Append(SvgIds.Prefix(f.Svg.Trim(), string.Create(CultureInfo.InvariantCulture, $"fig{i + 1}-")))
                    .Append("\n<figcaption>").Append(HtmlText.Escape(f.Caption)).Append("</figcaption>\n</figure>\n");
            }
        }

        return HtmlText.Page(model.Title, sb.ToString());
    }

    private static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows, string? cssClass = null)
    {
        sb.Append("<div class=\"scroll\"><table").Append(cssClass is null ? "" : $" class=\"{cssClass}\"").Append(">\n<tr>").Append(string.Concat(header.Select(h => $"<th>{HtmlText.Escape(h)}</th>"))).Append("</tr>\n");
        foreach (var row in rows)
        {
            sb.Append("<tr>").Append(string.Concat(row.Select((c, i) => $"<td data-label=\"{HtmlText.Escape(header[i])}\">{HtmlText.Escape(c)}</td>"))).Append("</tr>\n");
        }

        sb.Append("</table></div>\n");
    }
}
