using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Reports.Compare;

/// <summary>A markdown summary for a CI job summary (e.g. <c>$GITHUB_STEP_SUMMARY</c>): method, per-task table, verdict.</summary>
public sealed class ComparisonMarkdownWriter : IReportWriter<ComparisonResult>
{
    public string Format => "md";

    public string Write(ComparisonResult model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var o = model.Options;
        var first = model.Tasks[0].Bootstrap;
        var sb = new StringBuilder();
        sb.Append("## lladav-eval compare: ").Append(model.Failed ? "FAILED" : "PASSED").Append("\n\n");
        sb.Append("- BASE: `").Append(model.BasePath).Append("` (").Append(model.BaseLabel).Append(")\n");
        sb.Append("- NEW: `").Append(model.NewPath).Append("` (").Append(model.NewLabel).Append(")\n");
        sb.Append(Inv($"- Method: samples paired by (task, doc_id); scores are per-sample means × 100, deltas NEW − BASE in percentage points; {first.Confidence:0.##%} paired percentile-bootstrap CI ({first.Iterations} resamples, seed {first.Seed}); McNemar's exact test for 0/1 scores, else the bootstrap p; Holm-adjusted across {model.Tasks.Length} task(s), α = {o.Alpha:0.###}.\n"));
        sb.Append(Inv($"- Gate: fail when a task regresses significantly by more than {o.MaxDrop:0.##} points.\n\n"));
        sb.Append("| task | metric | pairs | BASE | NEW | Δ (pts) | CI | test | right→wrong / wrong→right | p | p (Holm) | verdict |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---|---|---|---:|---:|---|\n");
        foreach (var t in model.Tasks)
        {
            sb.Append(Inv($"| {t.Task} | `{t.Metric}` | {t.Pairs} | {t.BaseScore:0.00} | {t.NewScore:0.00} | {t.DeltaPoints:+0.00;-0.00;0.00} | [{t.Bootstrap.Lower:+0.00;-0.00;0.00}, {t.Bootstrap.Upper:+0.00;-0.00;0.00}] | {t.Test} | "));
            sb.Append(t.Binary ? Inv($"{t.RightToWrong} / {t.WrongToRight}") : "-");
            sb.Append(Inv($" | {P(t.PValue)} | {P(t.AdjustedPValue)} | {VerdictText(t)} |\n"));
        }

        var unaligned = model.Tasks.Where(t => t.Unaligned > 0).ToList();
        if (unaligned.Count > 0)
        {
            sb.Append('\n').Append(string.Join("; ", unaligned.Select(t => Inv($"{t.Task}: {t.Unaligned} sample(s) scored in only one run were left out")))).Append(".\n");
        }

        sb.Append("\n**").Append(model.OverallText).Append(".**\n");
        return sb.ToString();
    }

    internal static string VerdictText(TaskComparison t) => t.Verdict switch
    {
        Verdict.Improved => "improved",
        Verdict.Regressed => t.FailsGate ? "regressed (gate failed)" : "regressed (within allowed drop)",
        _ => "no significant change",
    };

    internal static string P(double p) => p < 1e-4 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
