using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Metrics;

/// <summary>
/// Which sample records count towards a score. A record the judge could not score is <em>unscored</em>, not wrong
/// (issue 14 §3): counting it as 0 would silently lower the task's score. Skipped (missing media) and judge-failed
/// records are left out of every aggregate and comparison; judge-failed ones make the task incomplete and are
/// retried by <c>--resume</c>.
/// </summary>
public static class RecordStatus
{
    /// <summary>The <c>extraction.status</c> of a record whose judge failed (<see cref="ExtractionStatus.JudgeFailed"/>).</summary>
    public const string JudgeFailed = "judgefailed";

    /// <summary>The <c>extraction.status</c> of a record whose model request failed (<see cref="ExtractionStatus.RequestFailed"/>).</summary>
    public const string RequestFailed = "requestfailed";

    /// <summary>The <c>extraction.status</c> of a skipped record (<see cref="ExtractionStatus.Skipped"/>).</summary>
    public const string Skipped = "skipped";

    public static string? Of(JsonObject record) => (string?)record["extraction"]?["status"];

    /// <summary>True when the record must not count towards the score.</summary>
    public static bool IsUnscored(JsonObject record) => Of(record) is Skipped or JudgeFailed or RequestFailed;

    /// <summary>True when the judge failed on the record: the run is incomplete until it is re-scored.</summary>
    public static bool NeedsJudge(JsonObject record) => Of(record) == JudgeFailed;

    /// <summary>True when the entry's model request failed: <c>--resume</c> asks the model again.</summary>
    public static bool EntryNeedsRequest(JsonObject entry) =>
        entry["records"] is JsonArray records && records.Any(r => r is JsonObject o && Of(o) == RequestFailed);

    /// <summary>True when any record of a journal entry needs the judge again.</summary>
    public static bool EntryNeedsJudge(JsonObject entry) =>
        entry["records"] is JsonArray records && records.Any(r => r is JsonObject o && NeedsJudge(o));
}
