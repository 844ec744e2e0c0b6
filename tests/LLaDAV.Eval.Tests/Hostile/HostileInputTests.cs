using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Text;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Media;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Reports.Html;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Scaling;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Judging;

namespace LLaDAV.Eval.Tests.Hostile;

/// <summary>
/// Issue 23 (hostile input, round 3), the library half: each class the issue found, at the layer that owns it.
/// Expected values come from the issue's own probes (paths, names, bodies) and from bash, Slurm and CommonMark
/// rules stated beside each test, never from our output.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-hostile23-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---- class 1: generated scripts never run data ----

    private static readonly ImmutableArray<string> s_tool = ["/bin/echo", "TOOL"];

    [Theory]
    [InlineData("job\nhostname", "", "")]
    [InlineData("job", "--tasks\nid", "")]
    [InlineData("job", "", "--constraint=a100\ntouch /tmp/x")]
    [InlineData("job\r", "", "")]
    [InlineData("job\u001b[2J", "", "")]
    public void Slurm_scripts_refuse_control_characters_in_any_value(string jobName, string runArg, string extra)
    {
        var options = new SlurmOptions(jobName, ExtraSbatch: extra.Length == 0 ? [] : [extra]);
        var args = runArg.Length == 0 ? ImmutableArray<string>.Empty : ["--tasks", runArg];
        var e = Assert.Throws<ConfigException>(() => SlurmScripts.ArrayScript(Path.Combine(_dir, "root"), 2, args, s_tool, _dir, options));
        Assert.Contains("control character", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => SlurmScripts.MergeScript(Path.Combine(_dir, "root"), 2, s_tool, _dir, runArg.Length == 0 ? null : runArg, options));
    }

    [Fact]
    public void Slurm_extra_flags_must_be_one_sbatch_flag()
    {
        var e = Assert.Throws<ConfigException>(() => SlurmScripts.ArrayScript(_dir, 2, [], s_tool, _dir, new SlurmOptions("j", ExtraSbatch: ["x; touch y"])));
        Assert.Contains("--sbatch", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The issue's requeue probe: run id <c>a$(touch${IFS}x)</c>, the re-arm branch taken (restart count 1) and
    /// scontrol failing, so the echo naming merge.sbatch runs. Executed by bash itself with the tool replaced by echo:
    /// the marker file must not appear, and echo must print the run path as literal text.
    /// </summary>
    [Fact]
    public void The_requeue_branch_prints_a_crafted_run_path_and_runs_nothing()
    {
        var marker = Path.Combine(_dir, "x");
        var root = Path.Combine(_dir, "out", "lladav", "a$(touch${IFS}" + marker + ")");
        Directory.CreateDirectory(Path.Combine(root, "shards", "0-of-2"));
        File.WriteAllText(Path.Combine(root, "scale.json"), "{\"slurm\": {\"merge_job\": \"42\"}}");
        var script = SlurmScripts.ArrayScript(root, 2, ["--run-id", "a$(touch${IFS}" + marker + ")", "--tag", "k=`touch " + marker + "`"], s_tool, _dir, new SlurmOptions("a b\"c$(touch " + marker + ")"));
        var path = Path.Combine(_dir, "array.sbatch");
        File.WriteAllText(path, script);
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "scontrol"), "#!/bin/sh\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(bin, "scontrol"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (code, output) = Bash(path, new() { ["PATH"] = bin + ":/usr/bin:/bin", ["SLURM_ARRAY_TASK_ID"] = "0", ["SLURM_RESTART_COUNT"] = "1", ["SLURM_ARRAY_JOB_ID"] = "7" });
        Assert.True(code == 0, output);
        Assert.False(File.Exists(marker), "a crafted value was run as a command:\n" + output);
        Assert.Contains("if it is gone: sbatch --dependency=afterok:7_0:7_1 " + Path.Combine(root, "slurm", "merge.sbatch"), output, StringComparison.Ordinal);
        Assert.Contains("TOOL run --run-id a$(touch${IFS}" + marker + ") --tag k=`touch " + marker + "` --shard 0/2", output, StringComparison.Ordinal);
        // sbatch reads '#SBATCH' lines itself: the job name is one double-quoted word with \" inside (sbatch 22.05 parser).
        Assert.Contains("#SBATCH --job-name=\"a b\\\"c$(touch " + marker + ")\"\n", script, StringComparison.Ordinal);
    }

    private static (int Code, string Output) Bash(string script, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    // ---- class 2: names stay inside their folder; a run never overwrites files it did not write ----

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../..")]
    [InlineData("a/b")]
    [InlineData("/etc")]
    [InlineData("a\\b")]
    [InlineData("a\nb")]
    [InlineData("")]
    public void A_name_that_could_leave_its_folder_is_refused(string name)
    {
        var e = Assert.Throws<ConfigException>(() => RunFiles.CheckComponent(name, "--run-id"));
        Assert.StartsWith("--run-id '", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x.jsonl")]
    [InlineData("../../x.jsonl")]
    [InlineData("/etc/x.jsonl")]
    [InlineData("samples_a\nb.jsonl")]
    public void A_run_file_name_that_leaves_the_run_directory_is_refused(string name) =>
        Assert.Throws<ConfigException>(() => RunFiles.Inside(_dir, name.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Fact]
    public void A_task_name_with_a_path_is_refused_when_the_task_is_asked_for()
    {
        var tasks = Directory.CreateDirectory(Path.Combine(_dir, "tasks", "evil")).FullName;
        File.WriteAllText(Path.Combine(tasks, "evil.yaml"),
            "task: \"../../../../x\"\ndataset_path: a/b\ntest_split: test\ndoc_to_visual: v\ndoc_to_text: t\ndoc_to_target: answer\nmetric_list:\n  - metric: exact_match\n");
        File.WriteAllText(Path.Combine(_dir, "tasks", "lmms-eval-names.tsv"), "");
        var catalog = TaskCatalog.Load(Path.Combine(_dir, "tasks"), HookRegistry.CreateDefault());
        var e = Assert.Throws<ConfigException>(() => catalog.Expand(["../../../../x"]));
        Assert.Contains("evil.yaml: task name '../../../../x' holds a path separator", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("report.md")]
    [InlineData("timing.json")]
    [InlineData("results.json")]
    [InlineData("samples_mmstar.jsonl")]
    [InlineData("journal")]
    public void Any_file_a_run_writes_marks_the_folder_as_taken(string name)
    {
        Assert.Null(RunFiles.FirstExisting(_dir));
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "the user's own file, never written by a run");
        Assert.Null(RunFiles.FirstExisting(_dir));
        if (name == "journal")
        {
            Directory.CreateDirectory(Path.Combine(_dir, name));
        }
        else
        {
            File.WriteAllText(Path.Combine(_dir, name), "x");
        }

        Assert.Equal(Path.Combine(_dir, name), RunFiles.FirstExisting(_dir));
    }

    // ---- class 3: every read is bounded; FIFOs and devices refused; image paths confined ----

    private Doc Row(string imagePath)
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "data", "org", "name")).FullName;
        var folder = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        return new Doc(new Dictionary<string, object?> { ["image"] = new Dictionary<string, object?> { ["bytes"] = null, ["path"] = imagePath } }, folder, Path.Combine(folder, "val.jsonl"), root);
    }

    [Theory]
    [InlineData("../../../../etc/passwd", "climbs out")]
    [InlineData("images/../../../../x.png", "climbs out")]
    [InlineData("/etc/passwd", "absolute path outside")]
    public void An_image_path_outside_the_dataset_is_refused_and_never_opened(string path, string why)
    {
        var e = Assert.Throws<DataException>(() => ImageRef.FromColumn(Row(path), "image"));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'image'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_path_inside_the_dataset_resolves_absolute_or_relative()
    {
        // POPE's sample: Full/<split>.jsonl names ../images/x.png, inside the same dataset folder.
        var pope = Row("../images/pope_0.png");
        Assert.Equal(Path.Combine(pope.DatasetRoot, "images", "pope_0.png"), ImageRef.FromColumn(pope, "image").Path);
        Assert.Equal(Path.Combine(_dir, "data", "org", "name"), MediaPath.DatasetRoot(Path.Combine(_dir, "data", "org", "name", "Full"), "org/name"));
        var doc = Row("images/a.png");
        Assert.Equal(Path.Combine(doc.SourceDirectory, "images", "a.png"), ImageRef.FromColumn(doc, "image").Path);
        var inside = Path.Combine(doc.DatasetRoot, "other", "b.png");
        Assert.Equal(inside, ImageRef.FromColumn(Row(inside), "image").Path);
    }

    [Fact]
    public void Inline_image_bytes_win_and_their_path_is_never_resolved()
    {
        // HF Image.decode_example: bytes first; the path (often of another machine) is then only a name.
        var root = Directory.CreateDirectory(Path.Combine(_dir, "d")).FullName;
        var doc = new Doc(new Dictionary<string, object?> { ["image"] = new Dictionary<string, object?> { ["bytes"] = new byte[] { 1, 2 }, ["path"] = "/home/someone/x.png" } }, root, Path.Combine(root, "v.parquet"), root);
        var image = ImageRef.FromColumn(doc, "image");
        Assert.Null(image.Path);
        Assert.Equal(2, image.Bytes!.Length);
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("/dev/null", "character device")]
    public void A_device_named_as_an_image_is_refused_before_it_is_read(string device, string kind)
    {
        var e = Assert.Throws<MediaException>(() => ImageDecoder.DecodeFile(device));
        Assert.Contains(kind, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_is_refused_without_opening_it()
    {
        var fifo = Path.Combine(_dir, "responses.jsonl");
        using (var p = Process.Start("mkfifo", [fifo]))
        {
            p.WaitForExit();
        }

        // open(2) of a FIFO with no writer blocks forever; RequireRegular must answer from statx alone.
        var e = Assert.Throws<InputLimitException>(() => BoundedFile.ReadLines(fifo, "replay responses file").ToList());
        Assert.Contains("FIFO", e.Message, StringComparison.Ordinal);
        var data = Assert.Throws<DataException>(() => new Backends.ReplayBackend([fifo], "lladav"));
        Assert.Contains("FIFO", data.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_to_a_regular_file_is_followed_as_hf_snapshots_need()
    {
        var target = Path.Combine(_dir, "blob");
        File.WriteAllText(target, "{\"a\": 1}\n");
        var link = Path.Combine(_dir, "link.jsonl");
        File.CreateSymbolicLink(link, target);
        Assert.Equal(["{\"a\": 1}"], BoundedFile.ReadLines(link, "data file").ToList());
    }

    [Fact]
    public void Limits_come_from_one_place_and_a_bad_value_is_a_usage_error()
    {
        var limits = InputLimits.FromEnvironment(v => v == "LLADAV_MAX_LINE_BYTES" ? "1000" : null);
        Assert.Equal(1000, limits.MaxLineBytes);
        Assert.Equal(new InputLimits().MaxImageBytes, limits.MaxImageBytes);
        // PIL 9.4 Image.py: MAX_IMAGE_PIXELS = int(1024 * 1024 * 1024 // 4 // 3) = 89478485; the error is above twice that.
        Assert.Equal(2L * (1024 * 1024 * 1024 / 4 / 3), new InputLimits().MaxPixels);
        var e = Assert.Throws<InputLimitException>(() => InputLimits.FromEnvironment(v => v == "LLADAV_MAX_PIXELS" ? "-5" : null));
        Assert.True(e.Usage);
        Assert.Contains("LLADAV_MAX_PIXELS=-5", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A judge that streams without end (the issue's probe grew to 5.2 GB): one failed attempt, counted.</summary>
    [Fact]
    public void An_endless_judge_body_is_a_counted_judge_failure()
    {
        using var judge = new OpenAiCompatibleJudge(
            new JudgeOptions(new Uri("http://judge.invalid/v1"), "m", null, Path.Combine(_dir, "cache")) { MaxAttempts = 1, RetryDelay = TimeSpan.Zero },
            new EndlessHandler());
        var e = Assert.Throws<JudgeException>(() => judge.Complete(JudgePrompt.Create("t", "{q}", ("q", "x")), CancellationToken.None));
        Assert.Contains("LLADAV_MAX_RESPONSE_BYTES", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, judge.Failures);
    }

    /// <summary>A server answering one raw body (not JSON-encoded) with one status.</summary>
    private sealed class RawHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new(status) { Content = new StringContent(body) };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    private sealed class EndlessHandler : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // ---- class 4: YAML aliases bounded per file; a task file loaded only when asked for ----

    /// <summary>Billion laughs: <paramref name="levels"/> levels of ten aliases each, about 1 KB of text.</summary>
    private static string AliasBomb(int levels)
    {
        var sb = new StringBuilder("task: bomb\ndataset_path: a/b\ntest_split: t\ndoc_to_visual: v\ndoc_to_text: t\ndoc_to_target: a\nmetadata:\n  l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i <= levels; i++)
        {
            sb.Append($"  l{i}: &l{i} [{string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        }

        return sb.Append("metric_list:\n  - metric: exact_match\n").ToString();
    }

    private string TasksWithBomb(int levels)
    {
        var tasks = Path.Combine(_dir, "tasks");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "tasks", "mmstar"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(tasks, "mmstar", Path.GetRelativePath(Path.Combine(TestPaths.RepoRoot, "tasks", "mmstar"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Copy(Path.Combine(TestPaths.RepoRoot, "tasks", "lmms-eval-names.tsv"), Path.Combine(tasks, "lmms-eval-names.tsv"));
        Directory.CreateDirectory(Path.Combine(tasks, "bomb"));
        File.WriteAllText(Path.Combine(tasks, "bomb", "bomb.yaml"), AliasBomb(levels));
        return tasks;
    }

    /// <summary>
    /// The issue's probe: a 10^7-leaf bomb beside the tasks cost 385 MB on a run of another task. Loading the catalog
    /// and the asked-for task must not touch the bomb (far less than its expansion is allocated), and the bomb's own
    /// full load is refused at the node limit.
    /// </summary>
    [Fact]
    public void An_alias_bomb_in_an_unrelated_task_file_costs_nothing_and_is_refused_when_loaded()
    {
        var tasks = TasksWithBomb(6);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var catalog = TaskCatalog.Load(tasks, HookRegistry.CreateDefault());
        var mmstar = Assert.Single(catalog.Expand(["mmstar"]));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("mmstar", mmstar.Name);
        Assert.True(allocated < 64L << 20, $"{allocated} bytes allocated to load one task beside an alias bomb");

        var e = Assert.Throws<ConfigException>(() => catalog.Expand(["bomb"]));
        Assert.Contains("alias bomb", e.Message, StringComparison.Ordinal);
        Assert.Contains("LLADAV_MAX_YAML_NODES", e.Message, StringComparison.Ordinal);
        Assert.Contains(catalog.Broken, m => m.Contains("bomb.yaml", StringComparison.Ordinal));
    }

    // ---- class 5: the judge cache is keyed by everything that decides a verdict ----

    [Fact]
    public void A_verdict_cached_from_one_endpoint_is_not_served_for_another()
    {
        var cache = Path.Combine(_dir, "cache");
        var prompt = JudgePrompt.Create("t", "Q: {q}", ("q", "2+2"));
        using (var good = new StubChatServer(_ => (200, "1")))
        using (var judge = new OpenAiCompatibleJudge(new JudgeOptions(good.Endpoint, "m", null, cache) { MaxAttempts = 1, RetryDelay = TimeSpan.Zero }))
        {
            Assert.Equal("1", judge.Complete(prompt, CancellationToken.None));
        }

        using var broken = new StubChatServer(_ => (500, "down"));
        using var other = new OpenAiCompatibleJudge(new JudgeOptions(broken.Endpoint, "m", null, cache) { MaxAttempts = 1, RetryDelay = TimeSpan.Zero });
        Assert.Throws<JudgeException>(() => other.Complete(prompt, CancellationToken.None));
        Assert.Equal(0, other.CacheHits);
        Assert.Equal(1, other.Requests);
    }

    // ---- class 6: terminal escapes, markdown, secrets, replay ids ----

    [Fact]
    public void A_judge_error_body_reaches_the_message_with_its_escapes_shown_not_sent()
    {
        using var judge = new OpenAiCompatibleJudge(
            new JudgeOptions(new Uri("http://judge.invalid/v1"), "m", null, Path.Combine(_dir, "c")) { MaxAttempts = 1, RetryDelay = TimeSpan.Zero },
            new RawHandler(HttpStatusCode.InternalServerError, "\u001b[2J\u001b]0;owned\u0007\u001b]8;;http://evil\u001b\\link"));
        var e = Assert.Throws<JudgeException>(() => judge.Complete(JudgePrompt.Create("t", "{q}", ("q", "x")), CancellationToken.None));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\u0007', e.Message);
        Assert.Contains("\\x1b[2J", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://user:s3cret@judge:8000/v1", "http://user:***@judge:8000/v1")]
    [InlineData("https://a:b%40c@h/v1/chat/completions?x=1", "https://a:***@h/v1/chat/completions?x=1")]
    [InlineData("http://judge:8000/v1", "http://judge:8000/v1")]
    [InlineData("http://onlyuser@judge/v1", "http://onlyuser@judge/v1")]
    public void A_password_in_a_judge_url_is_redacted(string url, string redacted)
    {
        Assert.Equal(redacted, Redact.Url(url));
        var manifest = RunManifest.Config(new RunConfig { Tasks = ["x"], Model = "replay", Judge = new JudgeSettings(url, "m", null) });
        Assert.Equal(redacted, (string?)manifest["judge"]!["url"]);
        var options = new JudgeOptions(new Uri(url), "m", null, _dir).ToManifest().ToJsonString();
        Assert.DoesNotContain("s3cret", options, StringComparison.Ordinal);
        Assert.DoesNotContain("b%40c", options, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_markdown_shows_model_args_and_task_names_as_text()
    {
        // CommonMark 0.31 §2.4: any ASCII punctuation may be backslash-escaped; raw HTML (§6.6) is not HTML once '<' is an entity.
        Assert.Equal("&lt;img src=x onerror=alert\\(1\\)&gt;", MarkdownText.Escape("<img src=x onerror=alert(1)>"));
        Assert.Equal("path=a \\| b\\`c \\[x\\]\\(y\\)", MarkdownText.Escape("path=a | b`c [x](y)"));
        Assert.Equal("mmmu_val \\_x\\_", MarkdownText.Escape("mmmu_val _x_"));
        Assert.Equal("a\\\\x0ab", MarkdownText.Escape("a\nb"));
    }

    [Fact]
    public void Replay_refuses_a_second_response_for_one_document()
    {
        var file = Path.Combine(_dir, "r.jsonl");
        File.WriteAllLines(file, ["{\"task\":\"mmstar\",\"doc_id\":0,\"response\":\"A\"}", "{\"task\":\"mmstar\",\"doc_id\":0,\"response\":\"B\"}"]);
        var e = Assert.Throws<DataException>(() => new Backends.ReplayBackend([file], "lladav"));
        Assert.Contains($"{file}:2: a second response for task 'mmstar' doc_id 0 (the first is at {file}:1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_refuses_responses_for_documents_the_split_does_not_have()
    {
        var file = Path.Combine(_dir, "r.jsonl");
        File.WriteAllLines(file, ["{\"task\":\"mmstar\",\"doc_id\":0,\"response\":\"A\"}", "{\"task\":\"mmstar\",\"doc_id\":7,\"response\":\"B\"}", "{\"task\":\"other\",\"doc_id\":99,\"response\":\"B\"}"]);
        Backends.IRequestPreflight replay = new Backends.ReplayBackend([file], "lladav");
        var e = Assert.Throws<DataException>(() => replay.CheckKnown(new Models.Backends.TaskName("mmstar"), 6));
        Assert.Contains("doc_id 7 at " + file + ":2", e.Message, StringComparison.Ordinal);
        replay.CheckKnown(new Models.Backends.TaskName("mmstar"), 8);
    }
}
