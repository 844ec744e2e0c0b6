using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Datasets fetched from a Hub (the stand-in on 127.0.0.1 as HF_ENDPOINT, serving the samples' snapshots as the real
/// repositories) end to end through the CLI, in child processes so HF_HOME and HF_* are theirs: `data pull` then a run
/// scores exactly as over a hub cache filled beforehand; a real checkpoint fetches what it lacks; offline mode opens
/// no socket and names what is missing; the tree equals what the official @huggingface/hub client writes.
/// </summary>
public sealed class DataPullTests : IDisposable
{
    private static readonly string[] s_tasks = ["mmstar", "mvbench_action_antonym"];

    private readonly HubStandIn _hub = new();
    private readonly string _root = Directory.CreateTempSubdirectory("lladav-datapull-").FullName;

    public DataPullTests()
    {
        foreach (var (family, repoId, revision) in new[] { ("mmstar", "Lin-Chen/MMStar", "main"), ("mvbench", "OpenGVLab/MVBench", "video"), ("mvbench", "OpenGVLab/MVBench", "main") })
        {
            _hub.AddRepo(repoId, revision, HubCacheBuilder.CommitFor(repoId + "@" + revision), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot(family, repoId, revision)));
        }
    }

    public void Dispose()
    {
        _hub.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A fresh HF_HOME (hub cache under it) talking to the stand-in; HF_HUB_OFFLINE and tokens of the test process cleared.</summary>
    private Dictionary<string, string> Env(string name, bool offline = false)
    {
        var home = Path.Combine(_root, name);
        return new()
        {
            ["HF_HOME"] = home,
            ["HF_HUB_CACHE"] = Path.Combine(home, "hub"),
            ["HF_ENDPOINT"] = _hub.Endpoint,
            ["HF_HUB_OFFLINE"] = offline ? "1" : "",
            ["HF_TOKEN"] = "",
            ["LLADAV_HUB_RETRY_BASE_MS"] = "5",
        };
    }

    /// <summary>The samples' snapshots written into a hub cache as huggingface_hub lays it out (the "pre-filled" cache).</summary>
    private static void Prefill(string hubCache)
    {
        foreach (var (family, repoId, revision) in new[] { ("mmstar", "Lin-Chen/MMStar", "main"), ("mvbench", "OpenGVLab/MVBench", "video") })
        {
            new HubCacheBuilder(hubCache, repoId).Snapshot(HubCacheBuilder.CommitFor(repoId + "@" + revision), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot(family, repoId, revision)), revision);
        }
    }

    private string[] RealRun(string id, string tasks) =>
    [
        "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", Path.Combine(_root, "runs"), "--run-id", id, "--model", "lladav",
        "--model-args", "path=" + TestPaths.InTestData("model-reference", "tiny-lladav"), "--tasks", tasks, "--limit", "2",
    ];

    private JsonNode Json(string model, string id, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "runs", model, id, file)))!;

    [Fact]
    public void Pull_then_a_run_scores_exactly_as_over_a_prefilled_cache()
    {
        var pulled = Env("pulled");
        var (code, output) = Cli.RunProcess(pulled, "data", "pull", "--tasks", string.Join(',', s_tasks), "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, output);
        Assert.Contains($"mmstar: Lin-Chen/MMStar@main (commit {HubCacheBuilder.CommitFor("Lin-Chen/MMStar@main")}): 1 files", output, StringComparison.Ordinal);
        Assert.Contains("Downloading Lin-Chen/MMStar@main: ", output, StringComparison.Ordinal);
        Assert.Contains("All 2 tasks have their data", output, StringComparison.Ordinal);
        // Only what mmstar needs of main: the card and the split's file, nothing of MVBench's main revision.
        Assert.Equal(["README.md", "mmstar.parquet"], Directory.EnumerateFileSystemEntries(Path.Combine(pulled["HF_HUB_CACHE"], "datasets--Lin-Chen--MMStar", "snapshots", HubCacheBuilder.CommitFor("Lin-Chen/MMStar@main"))).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["video"], Directory.EnumerateFiles(Path.Combine(pulled["HF_HUB_CACHE"], "datasets--OpenGVLab--MVBench", "refs")).Select(Path.GetFileName));

        var prefilled = Env("prefilled");
        Prefill(prefilled["HF_HUB_CACHE"]);
        foreach (var (env, id) in new[] { (pulled, "pulled"), (prefilled, "prefilled") })
        {
            var (runCode, runOut) = Cli.RunProcess(env, Cli.ReplayArgs(Path.Combine(_root, "runs"), id, "--tasks", string.Join(',', s_tasks)));
            Assert.True(runCode == 0, runOut);
        }

        Assert.Equal(Json("replay", "prefilled", "results.json")["results"]!.ToJsonString(), Json("replay", "pulled", "results.json")["results"]!.ToJsonString());
        Assert.All(s_tasks, t => Assert.Equal("real", (string?)Json("replay", "pulled", "results.json")["lladav_eval"]!["data_source"]![t]));
        Assert.All(s_tasks, t => Assert.Equal(
            Json("replay", "prefilled", "manifest.json")["tasks"]![t]!["dataset"]!.ToJsonString(),
            Json("replay", "pulled", "manifest.json")["tasks"]![t]!["dataset"]!.ToJsonString()));

        // A second pull finds every file in place: one listing per repository, no file request.
        var before = _hub.Log.Count;
        Assert.Equal(0, Cli.RunProcess(pulled, "data", "pull", "--tasks", string.Join(',', s_tasks), "--tasks-dir", Cli.Tasks).Code);
        Assert.All(_hub.Log.Skip(before), l => Assert.StartsWith("GET /api/datasets/", l, StringComparison.Ordinal));
    }

    [Fact]
    public void A_real_checkpoint_fetches_missing_data_and_scores_as_over_a_prefilled_cache()
    {
        var empty = Env("ondemand");
        var (code, output) = Cli.RunProcess(empty, RealRun("ondemand", "mmstar"));
        Assert.True(code == 0, output);
        Assert.Contains("Downloading Lin-Chen/MMStar@main", output, StringComparison.Ordinal);

        var prefilled = Env("prefilled");
        Prefill(prefilled["HF_HUB_CACHE"]);
        var before = _hub.Accepts;
        var (code2, output2) = Cli.RunProcess(prefilled, RealRun("prefilled", "mmstar"));
        Assert.True(code2 == 0, output2);
        Assert.Equal(before, _hub.Accepts);

        Assert.Equal(Json("lladav", "prefilled", "results.json")["results"]!.ToJsonString(), Json("lladav", "ondemand", "results.json")["results"]!.ToJsonString());
        Assert.Equal(Json("lladav", "prefilled", "manifest.json")["tasks"]!["mmstar"]!["dataset"]!.ToJsonString(), Json("lladav", "ondemand", "manifest.json")["tasks"]!["mmstar"]!["dataset"]!.ToJsonString());
    }

    [Fact]
    public void Offline_opens_no_socket_and_names_what_is_missing()
    {
        var offline = Env("offline", offline: true);
        Prefill(offline["HF_HUB_CACHE"]);
        Directory.Delete(Path.Combine(offline["HF_HUB_CACHE"], "datasets--Lin-Chen--MMStar"), recursive: true);

        var (code, output) = Cli.RunProcess(offline, "data", "pull", "--tasks", "mmstar,mvbench_action_antonym", "--tasks-dir", Cli.Tasks);
        Assert.Equal(3, code);
        Assert.Contains("Offline (HF_HUB_OFFLINE): nothing is downloaded", output, StringComparison.Ordinal);
        Assert.Contains("mmstar: MISSING Lin-Chen/MMStar@main split 'val'", output, StringComparison.Ordinal);
        Assert.Contains($"mvbench_action_antonym: ready (OpenGVLab/MVBench@video, commit {HubCacheBuilder.CommitFor("OpenGVLab/MVBench@video")}, 1 files)", output, StringComparison.Ordinal);
        Assert.Contains("lladav-eval data pull --tasks mmstar", output, StringComparison.Ordinal);

        var online = Env("flag");
        var (flagCode, flagOut) = Cli.RunProcess(online, "data", "pull", "--offline", "--tasks", "mmstar", "--tasks-dir", Cli.Tasks);
        Assert.Equal(3, flagCode);
        Assert.Contains("Offline (--offline)", flagOut, StringComparison.Ordinal);

        var (runCode, runOut) = Cli.RunProcess(offline, RealRun("offline", "mmstar"));
        Assert.Equal(3, runCode);
        Assert.Contains("HF_HUB_OFFLINE is set, so nothing is downloaded. Missing: mmstar (Lin-Chen/MMStar@main)", runOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "runs")));

        Assert.Equal(0, _hub.Accepts);
    }

    /// <summary>The demo checkpoint and replay keep the embedded samples: the README's first run never touches the network.</summary>
    [Fact]
    public void Replay_with_no_data_reads_the_sample_and_opens_no_socket()
    {
        var (code, output) = Cli.RunProcess(Env("replay"), Cli.ReplayArgs(Path.Combine(_root, "runs"), "r", "--tasks", "mmstar"));
        Assert.True(code == 0, output);
        Assert.Contains("embedded SAMPLE data", output, StringComparison.Ordinal);
        Assert.Equal(0, _hub.Accepts);
    }

    /// <summary>
    /// The official client (@huggingface/hub's snapshotDownload, tests/hub-js) against the same stand-in writes the
    /// same cache tree as `data pull`: paths, relative symlinks, refs, bytes. MVBench is a video task, so we fetch its
    /// whole `video` revision as snapshotDownload does; MMStar's pull (card + split file) is a subset of the client's.
    /// Where the two official clients differ, we follow Python huggingface_hub: it also takes the lock file
    /// <c>.locks/datasets--org--name/&lt;etag&gt;.lock</c> (file_download.py <c>_hf_hub_download_to_cache_dir</c>), which
    /// @huggingface/hub does not; it lies outside the repository folder compared here. Both write <c>refs/&lt;revision&gt;</c>
    /// before the files; we write it last (docs/DATA.md §5), which changes no path or byte of the finished tree.
    /// </summary>
    [Fact]
    public void The_cache_tree_equals_what_the_official_huggingface_hub_client_writes()
    {
        var js = Path.Combine(TestPaths.RepoRoot, "tests", "hub-js");
        Assert.SkipUnless(Exec("node", js, "--version").Code == 0, "node is not installed");
        if (!File.Exists(Path.Combine(js, "node_modules", "@huggingface", "hub", "package.json")))
        {
            var (ci, ciOut) = Exec("npm", js, "ci", "--no-audit", "--no-fund");
            Assert.SkipWhen(ci != 0 && (ciOut.Contains("ENOTFOUND", StringComparison.Ordinal) || ciOut.Contains("EAI_AGAIN", StringComparison.Ordinal) || ciOut.Contains("ECONNREFUSED", StringComparison.Ordinal) || ciOut.Contains("ETIMEDOUT", StringComparison.Ordinal)),
                $"the npm registry is unreachable, so @huggingface/hub cannot be installed: {ciOut.Trim()}");
            Assert.True(ci == 0, ciOut);
        }

        var ours = Env("ours");
        var (code, output) = Cli.RunProcess(ours, "data", "pull", "--tasks", string.Join(',', s_tasks), "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, output);
        var theirs = Path.Combine(_root, "js-cache");
        foreach (var (repo, revision) in new[] { ("OpenGVLab/MVBench", "video"), ("Lin-Chen/MMStar", "main") })
        {
            var (jsCode, jsOut) = Exec("node", js, "snapshot.mjs", _hub.Endpoint, repo, revision, theirs);
            Assert.True(jsCode == 0, jsOut);
        }

        var mvbenchOurs = Tree(Path.Combine(ours["HF_HUB_CACHE"], "datasets--OpenGVLab--MVBench"));
        var mvbenchTheirs = Tree(Path.Combine(theirs, "datasets--OpenGVLab--MVBench"));
        Assert.Equal(mvbenchTheirs, mvbenchOurs);
        Assert.Contains(mvbenchOurs, e => e.StartsWith("refs/video = " + HubCacheBuilder.CommitFor("OpenGVLab/MVBench@video"), StringComparison.Ordinal));
        Assert.Contains(mvbenchOurs, e => e.Contains("json/action_antonym.json -> ../../../blobs/", StringComparison.Ordinal));

        var mmstarOurs = Tree(Path.Combine(ours["HF_HUB_CACHE"], "datasets--Lin-Chen--MMStar"));
        var mmstarTheirs = Tree(Path.Combine(theirs, "datasets--Lin-Chen--MMStar"));
        Assert.Subset(mmstarTheirs.ToHashSet(), mmstarOurs.ToHashSet());
        Assert.Equal(mmstarTheirs, mmstarOurs);
    }

    /// <summary>Every entry under a repository folder: "path/" for a folder, "path -> target" for a link, "path = sha256" (refs: their text) for a file.</summary>
    private static List<string> Tree(string folder)
    {
        var entries = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = Path.GetRelativePath(folder, entry).Replace('\\', '/');
            var info = new FileInfo(entry);
            entries.Add(info.LinkTarget is { } target ? $"{rel} -> {target}"
                : Directory.Exists(entry) ? rel + "/"
                : rel.StartsWith("refs/", StringComparison.Ordinal) ? $"{rel} = {File.ReadAllText(entry)}"
                : $"{rel} = {HubStandIn.Sha256(File.ReadAllBytes(entry))}");
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    private static (int Code, string Out) Exec(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using var process = Process.Start(start)!;
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
            process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, output + "\n(timed out)");
            }

            process.WaitForExit();
            return (process.ExitCode, output.ToString());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
