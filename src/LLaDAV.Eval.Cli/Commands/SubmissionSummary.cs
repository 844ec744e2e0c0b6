using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// The run summary's lines for test splits (no answers, no score): where the submission file is and where the
/// benchmark scores it, instead of an empty metric row.
/// </summary>
internal static class SubmissionSummary
{
    public static bool IsSubmissionRow(JsonObject results, string task, string metric) =>
        metric.StartsWith("submission,", StringComparison.Ordinal) && results["lladav_eval"]?["submissions"]?[task] is not null;

    public static IEnumerable<string> Lines(JsonObject results, string runDirectory)
    {
        if (results["lladav_eval"]?["submissions"] is not JsonObject submissions)
        {
            yield break;
        }

        foreach (var (task, s) in submissions)
        {
            yield return $"  {task,-34} no answers in this split (no score); submission file {Path.Combine(runDirectory, (string)s!["file"]!)} -> upload to {(string)s["upload_to"]!}";
        }
    }
}
