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
        var m = model.Tasks.Length;
        var confidence = model.Tasks[0].Confidence;
        var sb = new StringBuilder();
        sb.Append("## lladav-eval compare: ").Append(model.Failed ? "FAILED" : "PASSED").Append("\n\n");
        if (!model.SampleTasks.IsEmpty)
        {
            sb.Append("> **SAMPLE DATA: ").Append(string.Join(", ", model.SampleTasks)).Append(" ran on the embedded 3-8-document sample in BASE or NEW; the verdicts test the pipeline, not the model.**\n\n");
        }

        sb.Append("- BASE: `").Append(model.BasePath).Append("` (").Append(model.BaseLabel).Append(")\n");
        sb.Append("- NEW: `").Append(model.NewPath).Append("` (").Append(model.NewLabel).Append(")\n");
        sb.Append(Inv($"- Method: samples paired by (task, doc_id); scores are per-sample means × 100, deltas NEW − BASE in percentage points. One test per task gives both p and the interval: McNemar's exact test with its exact (Clopper-Pearson) interval for 0/1 scores, else the paired bootstrap ({o.BootstrapIterations} resamples, seed {o.Seed}). Bonferroni across {m} task(s): the interval is at {confidence:0.###%} (1 − α/{m}), p (adj.) = {m} × p, α = {o.Alpha:0.###}; a change is significant exactly when its interval excludes 0 (equivalently p (adj.) < α).\n"));
        sb.Append(Inv($"- Gate: fail when a task regresses significantly by more than {o.MaxDrop:0.##} points.\n\n"));
        sb.Append(Inv($"| task | metric | pairs | BASE | NEW | Δ (pts) | {confidence:0.###%} CI | test | right→wrong / wrong→right | p | p (adj.) | verdict |\n"));
        sb.Append("|---|---|---:|---:|---:|---:|---|---|---|---:|---:|---|\n");
        foreach (var t in model.Tasks)
        {
            sb.Append(Inv($"| {t.Task} | `{t.Metric}` | {t.Pairs} | {t.BaseScore:0.00} | {t.NewScore:0.00} | {t.DeltaPoints:+0.00;-0.00;0.00} | [{t.Lower:+0.00;-0.00;0.00}, {t.Upper:+0.00;-0.00;0.00}] | {t.Test} | "));
            sb.Append(t.Binary ? Inv($"{t.RightToWrong} / {t.WrongToRight}") : "-");
            sb.Append(Inv($" | {P(t.PValue)} | {P(t.AdjustedPValue)} | {VerdictText(t)} |\n"));
        }

        var unaligned = model.Tasks.Where(t => t.Unaligned > 0).ToList();
        if (unaligned.Count > 0)
        {
            sb.Append('\n').Append(string.Join("; ", unaligned.Select(t => Inv($"{t.Task}: {t.Unaligned} sample(s) scored in only one run were left out")))).Append(".\n");
        }

        if (!model.OnlyInBase.IsEmpty || !model.OnlyInNew.IsEmpty)
        {
            sb.Append("\nNot compared (in one run only): ")
                .Append(string.Join("; ", new[] { ("BASE", model.OnlyInBase), ("NEW", model.OnlyInNew) }.Where(x => !x.Item2.IsEmpty).Select(x => $"only in {x.Item1}: {string.Join(", ", x.Item2)}")))
                .Append(".\n");
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
