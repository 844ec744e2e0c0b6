using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Running;

/// <summary><c>report.md</c>: the run's scores, extraction diagnostics, throughput and provenance at a glance.</summary>
public static class RunReport
{
    public static string Markdown(JsonObject results, JsonObject timing, JsonObject manifest)
    {
        var sb = new StringBuilder();
        var config = manifest["config"]!;
        sb.Append("# lladav-eval run\n\n");
        sb.Append($"- model: {Text((string?)config["model"])} {(string.IsNullOrEmpty((string?)config["model_args"]) ? "" : $"({Text((string?)config["model_args"])})")}\n");
        sb.Append($"- created: {manifest["created"]}, tool {manifest["tool"]?["version"]}, commit {manifest["tool"]?["git_commit"] ?? "unknown"}\n");
        sb.Append($"- seed {config["seed"]}, scoring rules: {config["scoring"]}, limit: {ResultsWriter.Format(config["limit"])}\n\n");
        sb.Append("| task | metric | value | stderr | samples | data | fallback | unparseable |\n|---|---|---|---|---|---|---|---|\n");
        var extraction = results["lladav_eval"]!["extraction"]!;
        var source = results["lladav_eval"]!["data_source"]!;
        foreach (var (task, metric, value, stderr) in ResultsWriter.Rows(results))
        {
            var ex = extraction[task]!;
            sb.Append($"| {Text(task)} | {Text(metric)} | {ResultsWriter.Format(value)} | {ResultsWriter.Format(stderr)} | {results["results"]![task]!["samples"]} | {source[task]} | ");
            sb.Append($"{(double)ex["fallback_share"]!:P1} | {(double)ex["unparseable_share"]!:P1} |\n");
        }

        foreach (var (task, info) in ResultsWriter.Incomplete(results))
        {
            // issue 14 §3: an incomplete task is said so where the score is read, not only in the samples.
            sb.Append((string?)info!["reason"] == "judge_failed"
                ? $"\n**INCOMPLETE: {Text(task)}**: the judge failed on {info["unscored_samples"]} samples; they are unscored (not wrong) and the score is over the other samples only. Resume the run (`lladav-eval run --resume RUN_DIR`) with a reachable judge to score them.\n"
                : $"\n**INCOMPLETE: {Text(task)}**: {info["unscored_samples"]} samples have no answer ({info["reason"]}: the served model's request failed after its retries); they are unscored (not wrong) and the score is over the other samples only. Resume the run (`lladav-eval run --resume RUN_DIR`) with a reachable server to ask again.\n");
        }

        sb.Append("\n## Throughput\n\n| task | samples | wall s | generated tokens | tokens/s | forward passes |\n|---|---|---|---|---|---|\n");
        foreach (var (task, t) in timing)
        {
            sb.Append($"| {Text(task)} | {t!["samples"]} | {ResultsWriter.Format(t["wall_seconds"])} | {t["generated_tokens"]} | {ResultsWriter.Format(t["tokens_per_second"])} | {t["forward_passes"]} |\n");
        }

        if (RunManifest.Device(manifest) is { } device)
        {
            sb.Append(device.Emulated
                ? $"\nMeasured on {Text(device.Description)}: an **emulated device** (tests/cuda-emulator), so these are CPU emulation times, not GPU timings.\n"
                : $"\nMeasured on {Text(device.Description)}.\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Text from the run's data or flags (model args, tags, run ids, task names) as literal Markdown (issue 23 §6): HTML
    /// tags and entities become text, Markdown's punctuation is backslash-escaped (CommonMark 0.31 §2.4 lets any ASCII
    /// punctuation be escaped), line breaks and other control characters cannot start a new block or reach a terminal.
    /// </summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '_' && i > 0 && i < value.Length - 1 && char.IsLetterOrDigit(value[i - 1]) && char.IsLetterOrDigit(value[i + 1]))
            {
                // Intraword '_' never delimits emphasis (CommonMark §6.2), so mmmu_val stays readable in the raw file.
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '!' or '|' or '~' or '{' or '}' or '"':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(Errors.Terminal.Escape(c.ToString()).Replace("\\", "\\\\", StringComparison.Ordinal));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
