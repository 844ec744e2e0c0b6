using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Reports.Html;

/// <summary>A score row of the report: our value and the paper's for the run's family, on the paper's scale where mapped.</summary>
public sealed record ReportScore(string Task, string Metric, string Value, string Stderr, string Paper, string Delta, int Samples, string DataSource);

/// <summary>A task's extraction diagnostics (results.json <c>lladav_eval.extraction</c>).</summary>
public sealed record ReportExtraction(string Task, int Records, string ByStatus, string ByRule, double FallbackShare, double UnparseableShare);

/// <summary>A task's timing (timing.json).</summary>
public sealed record ReportTiming(string Task, int Samples, string WallSeconds, string GeneratedTokens, string TokensPerSecond, string ForwardPasses);

/// <summary>
/// A task left incomplete (results.json <c>lladav_eval.incomplete</c>): its unscored samples and why — the judge failed
/// (<c>judge_failed</c>) or the served model's request did (issue 14 §3).
/// </summary>
public sealed record ReportIncomplete(string Task, string Reason, string UnscoredSamples);

/// <summary>An SVG figure to inline, with its caption.</summary>
public sealed record ReportFigure(string Caption, string Svg);

/// <summary>
/// Everything a run's report shows, gathered from the run directory (immutable; written by the md and html writers).
/// The run itself writes it without the paper's numbers or figures (ResultsWriter); <c>lladav-eval report RUN</c> adds
/// them. <see cref="HasPaper"/> is false when no paper reference was given, and the paper's columns are left out.
/// </summary>
public sealed record RunReportModel(
    string Title,
    ImmutableArray<(string Key, string Value)> Manifest,
    ImmutableArray<ReportScore> Scores,
    ImmutableArray<ReportIncomplete> Incomplete,
    ImmutableArray<ReportExtraction> Extraction,
    ImmutableArray<ReportTiming> Timing,
    ImmutableArray<ReportFigure> Figures,
    bool HasPaper,
    string? SampleNotice = null,
    Models.Backends.ComputeDeviceInfo? Device = null)
{
    /// <summary>Where the timings were measured, said after the timing table; an emulated CUDA device's are CPU times.</summary>
    public static string DeviceSentence(Models.Backends.ComputeDeviceInfo device, Func<string, string> escape, string emphasis) =>
        device.Emulated
            ? $"Measured on {escape(device.Description)}: an {emphasis}emulated device{emphasis} (tests/cuda-emulator), so these are CPU emulation times, not GPU timings."
            : $"Measured on {escape(device.Description)}.";

    public static RunReportModel Build(RunDirectory run, PaperReference? paper, ImmutableArray<ReportFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(run);
        var config = run.Config;
        var family = RunMetadata.Family(run);
        var manifest = ImmutableArray.Create(
            ("run", run.Path),
            ("model", $"{run.Model} (family {family})"),
            ("model args", (string?)config["model_args"] ?? ""),
            ("gen kwargs", (string?)config["gen_kwargs"] ?? ""),
            ("tags", string.Join(", ", run.Tags.Select(kv => $"{kv.Key}={kv.Value}"))),
            ("tasks", string.Join(", ", run.Tasks)),
            ("created", run.Manifest["created"]?.ToString() ?? "-"),
            ("tool", $"lladav-eval {run.Manifest["tool"]?["version"]} (commit {run.Manifest["tool"]?["git_commit"]?.ToString() ?? "unknown"})"),
            ("seed / scoring / limit", $"{config["seed"]} / {run.Scoring} / {config["limit"]?.ToString() ?? "none"}"),
            ("machine", $"{run.Manifest["machine"]?["os"]}, {run.Manifest["machine"]?["cores"]} cores, {run.Manifest["machine"]?["runtime"]}"));

        var scores = ImmutableArray.CreateBuilder<ReportScore>();
        foreach (var task in run.Tasks)
        {
            // A task whose every sample is unscored (its judge failed throughout) has no metric: no score rows, and
            // the incomplete note says why. Without a paper reference the first metric stands in as primary
            // (TaskScores), so it is not labelled as such.
            if (run.MetricKeys(task).IsEmpty)
            {
                continue;
            }

            var primary = TaskScores.PrimaryMetric(run, task, paper);
            var primaryEntry = paper?.ForMetric(task, primary);
            foreach (var metric in run.MetricKeys(task))
            {
                var entry = paper?.ForMetric(task, metric);
                var reference = entry is null ? null : paper!.Entries.FirstOrDefault(e => e.Task == task && e.Metric == metric && e.Model == family && e.Table is "table2" or "table3");
                var value = run.Score(task, metric);

                // One unit per task: a sub-metric the paper does not print (MMStar's categories) is on the same 0–1
                // scale as the task's primary accuracy, so it is shown as the primary is (×100, %), not as 0.5 beside
                // 66.67. A value above 1 cannot be a fraction and stays as results.json has it, labelled as such.
                var scale = entry ?? (primaryEntry is { OursScale: MetricScale.Fraction, PaperScale: MetricScale.Percent } && value is >= 0 and <= 1 ? primaryEntry : null);
                var shown = value is { } v && scale is not null ? scale.ToPaperScale(v) : value;
                var se = run.Stderr(task, metric) is { } s && scale is not null ? scale.ToPaperScale(s) : run.Stderr(task, metric);
                var cell = new Tables.TableCell(shown, reference?.Value, reference?.Decimals ?? 2);
                scores.Add(new ReportScore(
                    task,
                    metric + (metric == primary && paper is not null ? " (primary)" : "") + (scale is not null ? $" [{MetricScales.Unit(scale.PaperScale)}]" : primaryEntry is null ? "" : " [as in results.json]"),
                    shown is null ? "-" : Format(shown.Value),
                    se is null ? "N/A" : Format(se.Value),
                    cell.PaperText,
                    cell.DeltaText,
                    (int?)run.Results["results"]?[task]?["samples"] ?? 0,
                    run.Results["lladav_eval"]?["data_source"]?[task]?.ToString() ?? "-"));
            }
        }

        var extraction = run.Tasks.Select(t => run.Results["lladav_eval"]?["extraction"]?[t] is JsonObject ex
            ? new ReportExtraction(t, (int?)ex["records"] ?? 0, Pairs(ex["by_status"]), Pairs(ex["by_rule"]), (double?)ex["fallback_share"] ?? 0, (double?)ex["unparseable_share"] ?? 0)
            : null).OfType<ReportExtraction>().ToImmutableArray();
        var timing = run.Tasks.Select(t => run.Timing?[t] is JsonObject tm
            ? new ReportTiming(t, (int?)tm["samples"] ?? 0, tm["wall_seconds"]?.ToString() ?? "-", tm["generated_tokens"]?.ToString() ?? "-", tm["tokens_per_second"]?.ToString() ?? "-", tm["forward_passes"]?.ToString() ?? "-")
            : null).OfType<ReportTiming>().ToImmutableArray();
        var incomplete = Running.ResultsWriter.Incomplete(run.Results)
            .Select(kv => new ReportIncomplete(kv.Key, (string?)kv.Value?["reason"] ?? "unknown", kv.Value?["unscored_samples"]?.ToString() ?? "?"))
            .ToImmutableArray();
        var notice = SampleData.Notice(run.SampleTasks);
        return new RunReportModel($"lladav-eval report: {run.Label}" + (notice is null ? "" : " (sample data)"), manifest, scores.ToImmutable(), incomplete, extraction, timing, figures, paper is not null, notice, Running.RunManifest.Device(run.Manifest));
    }

    private static string Format(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    private static string Pairs(JsonNode? node) => node is JsonObject o ? string.Join(", ", o.Select(kv => $"{kv.Key}: {kv.Value}")) : "-";
}
