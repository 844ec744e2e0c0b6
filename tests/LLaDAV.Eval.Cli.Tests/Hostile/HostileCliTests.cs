using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using LLaDAV.Eval.Scaling;
using LLaDAV.Eval.Testing;
using FluentGen = FsCheck.Fluent.Gen;

namespace LLaDAV.Eval.Cli.Tests.Hostile;

/// <summary>
/// Issue 23 (hostile input, round 3) through the command line: what a user types or a dataset holds, with exit code
/// 2 (usage) or 3 (data), one line naming the field, no stack trace and nothing written outside the run directory;
/// plus the seeded FsCheck campaign over crafted names (§1, §2) that keeps the classes fixed.
/// </summary>
public sealed class HostileCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-hostile-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<string> Listing(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Theory]
    [InlineData("../..")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("/tmp/lladav-hostile-abs")]
    public async Task A_run_id_that_leaves_the_output_folder_is_refused_and_nothing_is_written(string id)
    {
        var output = Directory.CreateDirectory(Path.Combine(_dir, "o1", "o2", "out")).FullName;
        File.WriteAllText(Path.Combine(_dir, "report.md"), "the user's own report");
        var before = Listing(_dir).ToList();
        var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(output, id));
        Assert.True(code == 2, o + e);
        Assert.Contains("--run-id", e, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", e, StringComparison.Ordinal);
        Assert.Equal(before, Listing(_dir));
        Assert.Equal("the user's own report", File.ReadAllText(Path.Combine(_dir, "report.md")));
        Assert.False(Directory.Exists("/tmp/lladav-hostile-abs"));
    }

    [Theory]
    [InlineData("report.md")]
    [InlineData("timing.json")]
    public async Task A_folder_holding_a_file_a_run_writes_is_not_overwritten(string file)
    {
        var run = Directory.CreateDirectory(Path.Combine(_dir, "replay", "taken")).FullName;
        File.WriteAllText(Path.Combine(run, file), "mine");
        var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(_dir, "taken"));
        Assert.True(code == 2, o + e);
        Assert.Contains($"already holds a run ({file} is there)", e, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, file)));
        Assert.Equal([Path.Combine(run, file)], Listing(run));
    }

    [Fact]
    public async Task Submit_refuses_a_newline_in_any_slurm_value_before_printing_or_writing()
    {
        foreach (var flags in new[] { new[] { "--job-name", "x\nhostname" }, ["--sbatch", "--comment=a\nid"], ["--partition", "gpu\r"] })
        {
            var (code, o, e) = await Cli.RunAsync(["submit", "slurm", "--shards", "2", "--dry-run", .. flags, .. ScaleRunsReplay(_dir, "s")]);
            Assert.True(code == 2, o + e);
            Assert.Contains("control character", e, StringComparison.Ordinal);
            Assert.DoesNotContain("#SBATCH", o, StringComparison.Ordinal);
        }

        var (c2, o2, e2) = await Cli.RunAsync(["submit", "slurm", "--shards", "2", "--dry-run", .. ScaleRunsReplay(_dir, "a\nb")]);
        Assert.True(c2 == 2, o2 + e2);
        Assert.False(Directory.Exists(Path.Combine(_dir, "replay")));
    }

    private static string[] ScaleRunsReplay(string output, string id) =>
    [
        "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", output, "--run-id", id, "--model", "replay",
        "--model-args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tasks", "mmmu_val,mmstar",
    ];

    [Fact]
    public async Task A_fifo_as_the_responses_file_is_a_data_error_not_a_hang()
    {
        var fifo = Path.Combine(_dir, "responses.jsonl");
        using (var p = Process.Start("mkfifo", [fifo]))
        {
            p.WaitForExit();
        }

        var run = Cli.RunAsync(Cli.ReplayArgs(_dir, "fifo", "--model-args", $"responses={fifo}", "--tasks", "mmstar"));
        // A hang guard, not a timing assertion: the old code blocked in open(2) until killed.
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken)));
        var (code, o, e) = await run;
        Assert.True(code == 3, o + e);
        Assert.Contains("is a FIFO (named pipe), not a regular file", e, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_beyond_the_line_limit_is_one_data_error_and_the_limit_can_be_raised()
    {
        var responses = Path.Combine(_dir, "long.jsonl");
        File.WriteAllText(responses, "{\"task\":\"mmstar\",\"doc_id\":0,\"response\":\"" + new string('A', 5000) + "\"}\n");
        var args = Cli.ReplayArgs(_dir, "long", "--model-args", $"responses={responses}", "--tasks", "mmstar", "--limit", "1");
        var (code, output) = Cli.RunProcess(new Dictionary<string, string> { ["LLADAV_MAX_LINE_BYTES"] = "1000" }, args);
        Assert.True(code == 3, output);
        Assert.Contains($"{responses}:1: the line is longer than 1000 bytes", output, StringComparison.Ordinal);
        Assert.Contains("LLADAV_MAX_LINE_BYTES=4000", output, StringComparison.Ordinal);
        (code, output) = Cli.RunProcess(new Dictionary<string, string> { ["LLADAV_MAX_LINE_BYTES"] = "x" }, args);
        Assert.True(code == 2, output);
        (code, output) = Cli.RunProcess(new Dictionary<string, string> { ["LLADAV_MAX_LINE_BYTES"] = "100000" }, args);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Duplicate_and_unknown_doc_ids_in_a_replay_file_are_refused()
    {
        var dup = Path.Combine(_dir, "dup.jsonl");
        File.WriteAllLines(dup, [.. File.ReadLines(Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")), "{\"task\":\"mmstar\",\"doc_id\":0,\"response\":\"B\"}"]);
        var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(_dir, "dup", "--model-args", $"responses={dup}", "--tasks", "mmstar"));
        Assert.True(code == 3, o + e);
        Assert.Contains("a second response for task 'mmstar' doc_id 0", e, StringComparison.Ordinal);

        var unknown = Path.Combine(_dir, "unknown.jsonl");
        File.WriteAllLines(unknown, [.. File.ReadLines(Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")), "{\"task\":\"mmstar\",\"doc_id\":600,\"response\":\"B\"}"]);
        (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(_dir, "unknown", "--model-args", $"responses={unknown}", "--tasks", "mmstar"));
        Assert.True(code == 3, o + e);
        Assert.Contains("does not have", e, StringComparison.Ordinal);
        Assert.Contains("doc_id 600", e, StringComparison.Ordinal);
    }

    /// <summary>The issue's class 4 probe end to end: a bomb file in the tasks folder, a run of another task.</summary>
    [Fact]
    public async Task A_run_of_one_task_beside_an_alias_bomb_finishes_and_validate_reports_the_bomb()
    {
        var tasks = Path.Combine(_dir, "tasks");
        foreach (var file in Directory.EnumerateFiles(Cli.Tasks, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(tasks, Path.GetRelativePath(Cli.Tasks, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // 10^9 leaves from about 1 KB of text (billion laughs).
        var bomb = "task: bomb\ndataset_path: a/b\ntest_split: t\ndoc_to_visual: v\ndoc_to_text: t\ndoc_to_target: a\nmetadata:\n  l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
            + string.Concat(Enumerable.Range(1, 8).Select(i => $"  l{i}: &l{i} [{string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"))
            + "metric_list:\n  - metric: exact_match\n";
        Directory.CreateDirectory(Path.Combine(tasks, "zz_bomb"));
        File.WriteAllText(Path.Combine(tasks, "zz_bomb", "bomb.yaml"), bomb);
        var args = Cli.ReplayArgs(_dir, "beside-bomb", "--tasks", "mmstar").Select(a => a == Cli.Tasks ? tasks : a).ToArray();
        var (code, o, e) = await Cli.RunAsync(args);
        Assert.True(code == 0, o + e);
        (code, o, e) = await Cli.RunAsync("validate", "--tasks-dir", tasks);
        Assert.True(code == 2, o + e);
        Assert.Contains("alias bomb", e, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_md_escapes_tags_and_model_args()
    {
        var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(_dir, "tagged", "--tasks", "mmstar", "--tag", "label=<img src=x onerror=alert(1)>"));
        Assert.True(code == 0, o + e);
        var run = Path.Combine(_dir, "replay", "tagged");
        (code, o, e) = await Cli.RunAsync("report", run, "--out", Path.Combine(_dir, "rep"));
        Assert.True(code == 0, o + e);
        var md = File.ReadAllText(Path.Combine(_dir, "rep", "report.md"));
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert\\(1\\)&gt;", md, StringComparison.Ordinal);
    }

    // ---- the campaign: seeded FsCheck names through every generated script and run folder ----

    /// <summary>Strings built from the characters that matter to bash, sbatch and paths, plus any code point.</summary>
    private static Gen<string> Hostile()
    {
        var special = FluentGen.Elements("$", "(", ")", "`", "'", "\"", "\\", ";", "&", "|", "<", ">", "*", "?", "[", "]", "{", "}", "~", "#", "!", " ", "%", "=", "\n", "\r", "\t", "\u001b", "/", "..", ".", "a", "Z", "0", "é", "\u202e", "${IFS}");
        var any = FluentGen.Choose(1, 0xD7FF).Select(c => ((char)c).ToString());
        return FluentGen.OneOf(special, special, special, any).ListOf().Select(parts => string.Concat(parts));
    }

    /// <summary>
    /// Bash is the oracle: every string <see cref="SlurmScripts.Quote"/> accepts must come back from
    /// <c>printf '%s\0'</c> byte for byte, so no value can become code. 300 seeded cases (LLADAV_PROPERTY_N to change).
    /// </summary>
    [Fact]
    public void Campaign_every_quoted_value_reaches_bash_as_one_literal_word()
    {
        var cases = FluentGen.Sample(Hostile().Where(s => !s.Contains('\0', StringComparison.Ordinal)), Setting("LLADAV_PROPERTY_N", 300), new Rnd(23UL), 40);
        var script = "printf '%s\\0' " + string.Join(' ', cases.Select(SlurmScripts.Quote)) + "\n";
        var path = Path.Combine(_dir, "quote.sh");
        File.WriteAllText(path, script);
        var start = new ProcessStartInfo("bash", ["--noprofile", "--norc", path]) { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = _dir };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Equal(cases, output.Split('\0')[..^1]);
        Assert.Equal(["quote.sh"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    /// <summary>
    /// Every generated name is refused with exit 2 exactly when the rule of issue 23 §2 says so (empty, '.', '..', a
    /// '/' or '\\', a control or bidi-override character, over 200 UTF-8 bytes), before anything is written; otherwise
    /// the run lands in output/replay/&lt;id&gt; as one folder of exactly that name. 20 seeded end-to-end runs.
    /// </summary>
    [Fact]
    public async Task Campaign_a_crafted_run_id_is_refused_or_lands_exactly_in_its_folder()
    {
        var ids = FluentGen.Sample(Hostile(), Setting("LLADAV_PROPERTY_RUNS", 20), new Rnd(2323UL), 30).ToList();
        var output = Directory.CreateDirectory(Path.Combine(_dir, "campaign", "out")).FullName;
        var replay = Path.Combine(output, "replay");
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var mustRefuse = id.Length == 0 || id is "." or ".." || id.Contains('/', StringComparison.Ordinal) || id.Contains('\\', StringComparison.Ordinal)
                || id.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') || System.Text.Encoding.UTF8.GetByteCount(id) > 200;
            var before = Directory.Exists(replay) ? Directory.GetDirectories(replay).Length : 0;
            var (code, o, e) = await Cli.RunAsync(Cli.ReplayArgs(output, id, "--tasks", "mmstar"));
            Assert.DoesNotContain("   at ", e, StringComparison.Ordinal);
            Assert.True(code == (mustRefuse ? 2 : 0), $"run id {i} ({Errors.Terminal.Escape(id)}): exit {code}\n{o}{e}");
            if (mustRefuse)
            {
                Assert.Contains("--run-id", e, StringComparison.Ordinal);
                Assert.Equal(before, Directory.Exists(replay) ? Directory.GetDirectories(replay).Length : 0);
                continue;
            }

            Assert.Contains(Directory.GetDirectories(replay), d => Path.GetFileName(d) == id);
            Assert.True(File.Exists(Path.Combine(replay, id, "results.json")));
        }

        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "campaign")).Select(Path.GetFileName));
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
}
