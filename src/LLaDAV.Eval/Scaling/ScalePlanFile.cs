using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Scaling;

/// <summary>
/// <c>scale.json</c> in the run root: how the run was split (N, hand-out order), the run flags every shard gets, and
/// the engine that runs it (launch, or Slurm with its job ids). A resumed launch and <c>status</c> read it.
/// </summary>
public sealed record ScalePlanFile(
    string Engine,
    int Shards,
    ImmutableArray<int> Order,
    ImmutableArray<string> RunArgs,
    string WorkingDirectory,
    string? ArrayJob = null,
    string? MergeJob = null)
{
    public const string LaunchEngine = "launch";
    public const string SlurmEngine = "slurm";

    public JsonObject ToJson() => new()
    {
        ["schema"] = 1,
        ["engine"] = Engine,
        ["shards"] = Shards,
        ["order"] = new JsonArray([.. Order.Select(k => (JsonNode?)JsonValue.Create(k))]),
        // A served model's api_key stays out of the plan file (workers restarted from it read $OPENAI_API_KEY).
        ["run_args"] = new JsonArray([.. RunArgs.Select(a => (JsonNode?)JsonValue.Create(Errors.Redact.ModelArgs(a)))]),
        ["working_directory"] = WorkingDirectory,
        ["slurm"] = ArrayJob is null ? null : new JsonObject { ["array_job"] = ArrayJob, ["merge_job"] = MergeJob },
    };

    public void Write(string root) => ScaleLayout.WriteAtomically(ScaleLayout.PlanPath(root), ToJson().ToJsonString(JsonOutput.Indented) + "\n");

    public static bool Exists(string root) => File.Exists(ScaleLayout.PlanPath(root));

    public static ScalePlanFile Read(string root)
    {
        var path = ScaleLayout.PlanPath(root);
        if (!File.Exists(path))
        {
            throw new DataException($"{root} is not a scaled-out run: it has no {ScaleLayout.PlanFile}. Pass the run root that 'launch' or 'submit slurm' printed.");
        }

        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return new ScalePlanFile(
                (string)o["engine"]!,
                (int)o["shards"]!,
                [.. o["order"]!.AsArray().Select(k => (int)k!)],
                [.. o["run_args"]!.AsArray().Select(a => (string)a!)],
                (string)o["working_directory"]!,
                (string?)o["slurm"]?["array_job"],
                (string?)o["slurm"]?["merge_job"]);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new DataException($"{path} is damaged ({e.Message}); it is written by 'launch'/'submit slurm' and should not be edited.", e);
        }
    }
}
