using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Reports;

/// <summary>
/// Replay runs with known scores, made once for the report-verb tests. BASE and NEW are scored with --scoring 2025
/// (the paper's rules), under which MMMU's open-ended docs can score (under current none can: UpstreamQuirk):
/// BASE re-scores the shipped responses (MMMU 4/5 = 0.8; MMStar 3/6 = 0.5 under the 2025 rules, RunCommandTests);
/// NEW flips MMMU docs 0, 2 and 3 from right to wrong ("A" for gold C, 3.2 for 9.8, "B" for gold A), so MMMU is 1/5
/// and MMStar is unchanged; CURRENTRULES (OldRules) re-scores the shipped responses with --scoring current.
/// </summary>
public sealed class ReportRunsFixture : IDisposable
{
    public ReportRunsFixture()
    {
        Root = Directory.CreateTempSubdirectory("lladav-reports-").FullName;
        var shipped = Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl");
        var flipped = Path.Combine(Root, "new_responses.jsonl");
        var lines = Directory.GetFiles(Cli.Tasks, "responses.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Select(o =>
            {
                if ((string)o["task"]! == "mmmu_val")
                {
                    o["response"] = (int)o["doc_id"]! switch
                    {
                        0 => "A",
                        2 => "The acceleration is 3.2 m/s^2",
                        3 => "B",
                        _ => o["response"]!.DeepClone(),
                    };
                }

                return o.ToJsonString();
            });
        File.WriteAllLines(flipped, lines);

        Base = Run("base", shipped, "--scoring", "2025", "--tag", "family=LLaDA-V", "--tag", "train_samples=3M", "--tag", "label=base");
        New = Run("new", flipped, "--scoring", "2025", "--tag", "family=LLaDA-V", "--tag", "train_samples=1M", "--tag", "label=new");
        OldRules = Run("oldrules", shipped, "--scoring", "current");
    }

    public string Root { get; }

    public string Base { get; }

    public string New { get; }

    public string OldRules { get; }

    public static string PaperData => Path.Combine(TestPaths.RepoRoot, "results", "paper", "llada-v-paper.csv");

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>
    /// <c>sweep</c> of mmmu_val over refresh_interval=2,8 with replay on the shipped responses, tagged
    /// family=LLaDA-V: one sibling run per value under <paramref name="sweep"/> (refresh_interval-2, refresh_interval-8).
    /// </summary>
    public static async Task Sweep(string sweep)
    {
        var (code, output, error) = await Cli.RunAsync(
            "sweep", "--tasks", "mmmu_val", "--sweep", "refresh_interval=2,8", "--output", sweep, "--config", Cli.Config, "--tasks-dir", Cli.Tasks,
            "--model", "replay", "--model-args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tag", "family=LLaDA-V");
        Assert.True(code == 0, output + error);
    }

    /// <summary>Reads the JSON file at <paramref name="path"/>, lets <paramref name="edit"/> change it and writes it back.</summary>
    public static async Task EditJson(string path, Action<JsonNode> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
        edit(node);
        await File.WriteAllTextAsync(path, node.ToJsonString(), TestContext.Current.CancellationToken);
    }

    private string Run(string id, string responses, params string[] extra)
    {
        var (code, output, error) = Cli.RunAsync(Cli.ReplayArgs(Path.Combine(Root, "runs"), id, ["--model-args", $"responses={responses}", .. extra])).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"Fixture run '{id}' failed ({code}): {output}{error}");
        }

        return Path.Combine(Root, "runs", "replay", id);
    }
}
