using System.Globalization;
using System.Text;
using LLaDAV.Eval.Reports.Plots;

namespace LLaDAV.Eval.Reports.Html;

/// <summary>
/// <c>report.md</c>, the one writer of the file (issue 28 §4): the run's settings, its scores (beside the paper's when
/// a paper reference is given), incomplete tasks, extraction diagnostics, timing, and the figures as file names. The
/// run writes it when it finishes (ResultsWriter); <c>lladav-eval report</c> rewrites it with the paper and plots.
/// </summary>
public sealed class RunReportMarkdownWriter : IReportWriter<RunReportModel>
{
    public string Format => "md";

    public string Write(RunReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder();
        // Run path, tags, model args and task names are the user's or the data's text: literal Markdown (issue 23 §6).
        sb.Append("# ").Append(MarkdownText.Escape(model.Title)).Append("\n\n");
        if (model.SampleNotice is { } notice)
        {
            sb.Append("> **").Append(notice).Append("**\n\n");
        }

        sb.Append("## Run\n\n");
        foreach (var (k, v) in model.Manifest)
        {
            sb.Append("- ").Append(k).Append(": ").Append(v.Length == 0 ? "-" : MarkdownText.Escape(v)).Append('\n');
        }

        sb.Append("\n## Scores\n\n");
        if (model.HasPaper)
        {
            sb.Append("Values on the paper's scale where the paper reports the metric; paper = the row of this run's model family (Tables 2-3).\n\n");
            sb.Append("| task | metric | value | stderr | paper | Δ | samples | data |\n|---|---|---:|---:|---:|---:|---:|---|\n");
        }
        else
        {
            sb.Append("| task | metric | value | stderr | samples | data |\n|---|---|---:|---:|---:|---|\n");
        }

        foreach (var s in model.Scores)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(s.Task)} | `{s.Metric}` | {s.Value} | {s.Stderr} | ");
            if (model.HasPaper)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{s.Paper} | {s.Delta} | ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"{s.Samples} | {s.DataSource} |\n");
        }

        foreach (var i in model.Incomplete)
        {
            // issue 14 §3: an incomplete task is said so where the score is read, not only in the samples.
            sb.Append('\n').Append(IncompleteText(i, MarkdownText.Escape(i.Task), "**", "`")).Append('\n');
        }

        sb.Append("\n## Answer extraction\n\n| task | records | by status | by rule | fallback | unparseable |\n|---|---:|---|---|---:|---:|\n");
        foreach (var e in model.Extraction)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(e.Task)} | {e.Records} | {e.ByStatus} | {e.ByRule} | {e.FallbackShare:P1} | {e.UnparseableShare:P1} |\n");
        }

        sb.Append("\n## Timing\n\n| task | samples | wall s | generated tokens | tokens/s | forward passes |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var t in model.Timing)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(t.Task)} | {t.Samples} | {t.WallSeconds} | {t.GeneratedTokens} | {t.TokensPerSecond} | {t.ForwardPasses} |\n");
        }

        if (model.Device is { } device)
        {
            sb.Append('\n').Append(RunReportModel.DeviceSentence(device, MarkdownText.Escape, "**")).Append('\n');
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

    /// <summary>The note under the scores for an incomplete task; <paramref name="strong"/> and <paramref name="code"/> mark up the emphasis and the command.</summary>
    internal static string IncompleteText(ReportIncomplete i, string task, string strong, string code) => i.Reason == "judge_failed"
        ? $"{strong}INCOMPLETE: {task}{strong}: the judge failed on {i.UnscoredSamples} samples; they are unscored (not wrong) and the score is over the other samples only. Resume the run ({code}lladav-eval run --resume RUN_DIR{code}) with a reachable judge to score them."
        : $"{strong}INCOMPLETE: {task}{strong}: {i.UnscoredSamples} samples have no answer ({i.Reason}: the served model's request failed after its retries); they are unscored (not wrong) and the score is over the other samples only. Resume the run ({code}lladav-eval run --resume RUN_DIR{code}) with a reachable server to ask again.";
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

        sb.Append("</table></div>\n<h2>Scores</h2>\n").Append(model.HasPaper ? "<p>Values on the paper's scale where the paper reports the metric; paper = the row of this run's model family (Tables 2-3).</p>\n" : "");
        // The scores table is the page's point: on a phone each row becomes a labelled block (HtmlText.Style's
        // table.cards rule), so every value is on screen without scrolling sideways.
        if (model.HasPaper)
        {
            Table(sb, ["task", "metric", "value", "stderr", "paper", "Δ", "samples", "data"], model.Scores.Select(s => new[] { s.Task, s.Metric, s.Value, s.Stderr, s.Paper, s.Delta, s.Samples.ToString(CultureInfo.InvariantCulture), s.DataSource }), "cards scores");
        }
        else
        {
            Table(sb, ["task", "metric", "value", "stderr", "samples", "data"], model.Scores.Select(s => new[] { s.Task, s.Metric, s.Value, s.Stderr, s.Samples.ToString(CultureInfo.InvariantCulture), s.DataSource }), "cards scores");
        }

        foreach (var i in model.Incomplete)
        {
            sb.Append("<p class=\"sample\" role=\"alert\">").Append(HtmlText.Escape(RunReportMarkdownWriter.IncompleteText(i, i.Task, "", ""))).Append("</p>\n");
        }

        sb.Append("<h2>Answer extraction</h2>\n");
        Table(sb, ["task", "records", "by status", "by rule", "fallback", "unparseable"], model.Extraction.Select(e => new[]
        {
            e.Task, e.Records.ToString(CultureInfo.InvariantCulture), e.ByStatus, e.ByRule, e.FallbackShare.ToString("P1", CultureInfo.InvariantCulture), e.UnparseableShare.ToString("P1", CultureInfo.InvariantCulture),
        }));
        sb.Append("<h2>Timing</h2>\n");
        Table(sb, ["task", "samples", "wall s", "generated tokens", "tokens/s", "forward passes"], model.Timing.Select(t => new[] { t.Task, t.Samples.ToString(CultureInfo.InvariantCulture), t.WallSeconds, t.GeneratedTokens, t.TokensPerSecond, t.ForwardPasses }));
        if (model.Device is { } device)
        {
            sb.Append("<p>").Append(HtmlText.Escape(RunReportModel.DeviceSentence(device, d => d, ""))).Append("</p>\n");
        }
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
