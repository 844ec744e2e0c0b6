using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Real benchmark data found where and as Hugging Face finds it, end to end through the CLI (child processes, so
/// HF_HOME is theirs): hub caches in the real layouts (blobs, relative snapshot symlinks, refs, the MVBench `video`
/// revision beside `main`) score exactly as --data-dir copies of the same snapshots; `data` says where each split
/// comes from or how to download it.
/// </summary>
public sealed class RealDataTests : IDisposable
{
    private static readonly string[] s_tasks = ["mmstar", "mme", "mathverse_testmini_vision_only", "mvbench_action_antonym", "ai2d", "mmmu_pro_standard"];
    private static readonly string[] s_families = ["mmstar", "mme", "mathverse", "mvbench", "ai2d", "mmmu_pro"];

    private readonly string _root = Directory.CreateTempSubdirectory("lladav-realdata-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A hub cache written as huggingface_hub writes it, from the samples' snapshots (every revision).</summary>
    private string HubHome()
    {
        var home = Path.Combine(_root, "hf");
        foreach (var family in s_families)
        {
            foreach (var repo in Directory.EnumerateDirectories(Path.Combine(TestPaths.RepoRoot, "tasks", family, "sample", "hub")))
            {
                var repoId = Path.GetFileName(repo)["datasets--".Length..].Replace("--", "/", StringComparison.Ordinal);
                var builder = new HubCacheBuilder(Path.Combine(home, "hub"), repoId);
                foreach (var refFile in Directory.EnumerateFiles(Path.Combine(repo, "refs")))
                {
                    var revision = Path.GetFileName(refFile);
                    builder.Snapshot(HubCacheBuilder.CommitFor(repoId + "@" + revision), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot(family, repoId, revision)), revision);
                }
            }
        }

        return home;
    }

    private (int Code, string Out) Run(string id, IReadOnlyDictionary<string, string> env, params string[] extra) =>
        Cli.RunProcess(Home(env["HF_HOME"]), [.. Cli.ReplayArgs(Path.Combine(_root, "runs"), id, ["--tasks", string.Join(',', s_tasks), .. extra])]);

    /// <summary>HF_HOME and the hub cache under it (a test process may have HF_HUB_CACHE set, which would win).</summary>
    private static Dictionary<string, string> Home(string home) => new() { ["HF_HOME"] = home, ["HF_HUB_CACHE"] = Path.Combine(home, "hub") };

    private JsonObject Results(string id) => JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "runs", "replay", id, "results.json")))!.AsObject();

    [Fact]
    public void Hub_caches_in_the_real_layouts_score_exactly_as_data_dir_copies_and_the_sample()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var (hubCode, hubOut) = Run("hub", new Dictionary<string, string> { ["HF_HOME"] = HubHome() });
        Assert.True(hubCode == 0, hubOut);
        var dataDir = TestPaths.SamplesAsDataDirAt(Path.Combine(_root, "data"), "main", [.. s_families.Where(f => f != "mvbench")]);
        TestPaths.SamplesAsDataDirAt(dataDir, "video", "mvbench");
        var (dirCode, dirOut) = Run("dir", new Dictionary<string, string> { ["HF_HOME"] = empty }, "--data-dir", dataDir);
        Assert.True(dirCode == 0, dirOut);
        var (sampleCode, sampleOut) = Run("sample", new Dictionary<string, string> { ["HF_HOME"] = empty });
        Assert.True(sampleCode == 0, sampleOut);

        var hub = Results("hub");
        Assert.Equal(Results("dir")["results"]!.ToJsonString(), hub["results"]!.ToJsonString());
        Assert.Equal(Results("sample")["results"]!.ToJsonString(), hub["results"]!.ToJsonString());
        Assert.All(s_tasks, t => Assert.Equal("real", (string?)hub["lladav_eval"]!["data_source"]![t]));
        Assert.All(s_tasks, t => Assert.Equal("sample", (string?)Results("sample")["lladav_eval"]!["data_source"]![t]));

        // The manifest names what was read: repository, revision, commit, and each file's size and sha256.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "runs", "replay", "hub", "manifest.json")))!;
        var mvbench = manifest["tasks"]!["mvbench_action_antonym"]!["dataset"]!;
        Assert.Equal(("OpenGVLab/MVBench", "video", HubCacheBuilder.CommitFor("OpenGVLab/MVBench@video")), ((string?)mvbench["repo_id"], (string?)mvbench["revision"], (string?)mvbench["commit"]));
        var file = Assert.Single(mvbench["files"]!.AsArray())!;
        Assert.Equal("json/action_antonym.json", (string?)file["path"]);
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "video"), "json", "action_antonym.json"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), (string?)file["sha256"]);
        Assert.Equal(bytes.LongLength, (long)file["size"]!);
    }

    // A changed snapshot (refs/main moved to a new commit with other bytes) is a different dataset: resume refuses.
    [Fact]
    public void Resume_sees_a_new_commit_of_the_dataset()
    {
        var home = HubHome();
        var env = Home(home);
        var args = Cli.ReplayArgs(Path.Combine(_root, "runs"), "r", "--tasks", "mme");
        Assert.Equal(0, Cli.RunProcess(env, args).Code);
        var builder = new HubCacheBuilder(Path.Combine(home, "hub"), "lmms-lab/MME");
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mme", "lmms-lab/MME"));
        var shard = files.Keys.Single(k => k.EndsWith(".jsonl", StringComparison.Ordinal));
        files[shard] = [.. files[shard], .. "\n"u8.ToArray()];
        builder.Snapshot(HubCacheBuilder.CommitFor("mme-v2"), files);

        var (code, output) = Cli.RunProcess(env, "run", "--resume", Path.Combine(_root, "runs", "replay", "r"), "--tasks-dir", Cli.Tasks);

        Assert.Equal(2, code);
        Assert.Contains("tasks.mme.dataset.commit", output, StringComparison.Ordinal);
        Assert.Contains(HubCacheBuilder.CommitFor("mme-v2"), output, StringComparison.Ordinal);
    }

    // compare pairs docs by id: runs over two commits of a dataset are refused, naming both.
    [Fact]
    public void Compare_refuses_runs_over_different_commits_of_a_dataset()
    {
        var home = HubHome();
        var env = Home(home);
        Assert.Equal(0, Cli.RunProcess(env, Cli.ReplayArgs(Path.Combine(_root, "runs"), "a", "--tasks", "mme")).Code);
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mme", "lmms-lab/MME"));
        files["README.md"] = [.. files["README.md"], .. "\nA later commit.\n"u8.ToArray()];
        var shard = files.Keys.Single(k => k.EndsWith(".jsonl", StringComparison.Ordinal));
        files[shard] = [.. files[shard], .. "\n"u8.ToArray()];
        new HubCacheBuilder(Path.Combine(home, "hub"), "lmms-lab/MME").Snapshot(HubCacheBuilder.CommitFor("mme-v2"), files);
        Assert.Equal(0, Cli.RunProcess(env, Cli.ReplayArgs(Path.Combine(_root, "runs"), "b", "--tasks", "mme")).Code);

        var (code, output) = Cli.RunProcess(env, "compare", Path.Combine(_root, "runs", "replay", "a"), Path.Combine(_root, "runs", "replay", "b"));

        Assert.Equal(2, code);
        Assert.Contains("read different data", output, StringComparison.Ordinal);
        Assert.Contains(HubCacheBuilder.CommitFor("mme-v2"), output, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_says_where_each_split_comes_from_and_how_to_fetch_what_is_missing()
    {
        var env = Home(HubHome());

        var (code, output) = Cli.RunProcess(env, "data", "--tasks", "mmstar,mvbench_action_antonym,mmmu_val", "--tasks-dir", Cli.Tasks);

        Assert.Equal(3, code);
        Assert.Contains($"mmstar: Lin-Chen/MMStar@main config 'mmstar' split 'val' (commit {HubCacheBuilder.CommitFor("Lin-Chen/MMStar@main")})", output, StringComparison.Ordinal);
        Assert.Contains("mmstar.parquet: 6 rows", output, StringComparison.Ordinal);
        Assert.Contains($"mvbench_action_antonym: OpenGVLab/MVBench@video config 'action_antonym' split 'train' (commit {HubCacheBuilder.CommitFor("OpenGVLab/MVBench@video")})", output, StringComparison.Ordinal);
        Assert.Contains("mmmu_val: lmms-lab/MMMU@main split 'validation': MISSING", output, StringComparison.Ordinal);
        Assert.Contains("download: huggingface-cli download --repo-type dataset lmms-lab/MMMU", output, StringComparison.Ordinal);
        Assert.Contains("1 of 3 tasks lack their data", output, StringComparison.Ordinal);
    }

    // A real checkpoint with no copy of the dataset: exit 3 naming the download, before anything is written.
    [Fact]
    public void A_real_checkpoint_never_scores_the_sample()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var output = Path.Combine(_root, "runs");

        var (code, text) = Cli.RunProcess(Home(empty),
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--model", "lladav",
            "--model-args", "path=" + TestPaths.InTestData("model-reference", "tiny-lladav"), "--tasks", "mmstar", "--limit", "1");

        Assert.Equal(3, code);
        Assert.Contains("huggingface-cli download --repo-type dataset Lin-Chen/MMStar", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
