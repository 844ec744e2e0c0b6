using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Running.Io;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Issue 14 §1, §2, §4: one writer per run directory, everything validated before anything is written (one error,
/// exit 2 or 3, no stack trace, no run directory left behind), and interrupts that say what was kept.
/// </summary>
public sealed partial class GuardTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-guard-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private string RunRoot => Path.Combine(_out, "runs");

    private void AssertNoRunDirectory(string error)
    {
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RunRoot) && Directory.EnumerateFileSystemEntries(RunRoot, "*", SearchOption.AllDirectories).Any(), $"a run directory was left behind: {string.Join(", ", Directory.Exists(RunRoot) ? Directory.EnumerateFileSystemEntries(RunRoot, "*", SearchOption.AllDirectories) : [])}");
    }

    // ---- §1 one writer per run directory ----

    [Fact]
    public async Task Should_refuse_a_second_writer_while_the_run_directory_is_locked()
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "a"))).Code);
        var dir = Path.Combine(RunRoot, "replay", "a");

        // flock locks belong to an open file description: a second open, even in this process, conflicts like another process.
        using (RunDirectoryLock.Acquire(dir, create: false))
        {
            var (code, _, error) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks);
            Assert.Equal(2, code);
            Assert.Matches($"{Regex.Escape(dir)} is in use by pid {Environment.ProcessId} on host {Regex.Escape(Environment.MachineName)} since \\d{{4}}-\\d\\d-\\d\\dT", error);

            var merged = Path.Combine(_out, "merged");
            Directory.CreateDirectory(merged);
            using (RunDirectoryLock.Acquire(merged, create: false))
            {
                Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "s0", "--shard", "0/2"))).Code);
                Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "s1", "--shard", "1/2"))).Code);
                var (mergeCode, _, mergeError) = await Cli.RunAsync("merge", Path.Combine(RunRoot, "replay", "s0_shard0of2"), Path.Combine(RunRoot, "replay", "s1_shard1of2"), "--output", merged, "--tasks-dir", Cli.Tasks);
                Assert.Equal(2, mergeCode);
                Assert.Contains($"{merged} is in use by pid {Environment.ProcessId}", mergeError, StringComparison.Ordinal);
                Assert.False(File.Exists(Path.Combine(merged, "manifest.json")));
            }
        }

        // Released on dispose: the resume now runs.
        Assert.Equal(0, (await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks)).Code);
    }

    [Fact]
    public async Task Should_release_the_lock_when_its_holder_is_killed_with_sigkill()
    {
        // The child kills itself with SIGKILL (Process.Kill) after 2 samples, holding the lock: no finally block runs.
        var env = new Dictionary<string, string> { [EvaluationRunner.FaultAfterSamplesVariable] = "2", ["SOURCE_DATE_EPOCH"] = "1767225600" };
        var (killedCode, killedOut) = Cli.RunProcess(env, Cli.ReplayArgs(RunRoot, "k"));
        Assert.Equal(137, killedCode);
        var dir = Path.Combine(RunRoot, "replay", "k");
        Assert.Contains($"pid ", File.ReadAllText(Path.Combine(dir, RunDirectoryLock.FileName)), StringComparison.Ordinal);

        // The kernel dropped the dead holder's flock: a lock and a resume succeed at once.
        using (RunDirectoryLock.Acquire(dir, create: false))
        {
        }

        var (code, _, error) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, error + killedOut);
    }

    [Fact]
    public void Should_keep_records_whole_when_two_writers_append_to_one_journal()
    {
        // Without the lock (two handles on one file), O_APPEND + one write per record keeps every record on its own line.
        var path = Path.Combine(_out, "j.jsonl");
        using (var a = SampleJournal.Open(path))
        using (var b = SampleJournal.Open(path))
        {
            for (var i = 0; i < 20; i++)
            {
                // Entries of the shape the journal checks on reading (records, integer usage, elapsed_ms).
                (i % 2 == 0 ? a : b).Append(System.Text.Json.Nodes.JsonNode.Parse(
                    $"{{\"doc_id\":{i},\"records\":[],\"usage\":{{\"prompt_tokens\":1,\"visual_tokens\":0,\"generated_tokens\":1,\"forward_passes\":1}},\"elapsed_ms\":0,\"pad\":\"{new string('x', 50 + i)}\"}}")!.AsObject());
            }
        }

        var entries = SampleJournal.Read(path);
        Assert.Equal(Enumerable.Range(0, 20), entries.Keys.Order());
        Assert.Equal(20, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task Should_skip_blank_journal_lines_on_resume()
    {
        var env = new Dictionary<string, string> { [EvaluationRunner.FaultAfterSamplesVariable] = "3", ["SOURCE_DATE_EPOCH"] = "1767225600" };
        Cli.RunProcess(env, Cli.ReplayArgs(RunRoot, "b"));
        var dir = Path.Combine(RunRoot, "replay", "b");
        var journal = Path.Combine(dir, "journal", "mmmu_val.jsonl");
        var lines = File.ReadAllLines(journal);
        File.WriteAllText(journal, lines[0] + "\n\n   \n" + string.Join("\n", lines.Skip(1)) + "\n");

        var (code, _, error) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, error);
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "clean"))).Code);
        Assert.Equal(
            File.ReadAllText(Path.Combine(RunRoot, "replay", "clean", "results.json")),
            File.ReadAllText(Path.Combine(dir, "results.json")));
    }

    // ---- §2 validate everything before anything is written ----

    [Theory]
    [InlineData("steps=abc", "steps=abc", "a whole number >= 1")]
    [InlineData("gen_length=-5", "gen_length=-5", "a whole number >= 1")]
    [InlineData("block_length=2.5", "block_length=2.5", "a whole number >= 1")]
    [InlineData("temperature=-0.1", "temperature=-0.1", "a number >= 0")]
    [InlineData("threshold=1.5", "threshold=1.5", "(0, 1]")]
    [InlineData("remasking=greedy", "remasking=greedy", "low_confidence, random")]
    [InlineData("cache=full", "cache=full", "none, prefix, dual")]
    [InlineData("use_fast_dllm=maybe", "use_fast_dllm=maybe", "true or false")]
    public async Task Should_reject_a_bad_generation_setting_by_key_value_and_range(string kwarg, string shown, string allowed)
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "g", "--gen-kwargs", kwarg));
        Assert.Equal(2, code);
        Assert.Contains($"{shown} (from --gen-kwargs)", error, StringComparison.Ordinal);
        Assert.Contains(allowed, error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Fact]
    public async Task Should_reject_gen_lengths_that_the_diffusion_sampler_cannot_split_into_blocks()
    {
        // LLaDA generate.py: assert gen_length % block_length == 0 and steps % num_blocks == 0.
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", RunRoot, "--model", "lladav", "--model-args", "path=demo",
            "--tasks", "mmstar", "--limit", "1", "--gen-kwargs", "gen_length=8,block_length=3,steps=8");
        Assert.Equal(2, code);
        Assert.Contains("gen_length must be a multiple of block_length", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Fact]
    public async Task Should_reject_a_bad_generation_setting_in_a_task_yaml_naming_the_file()
    {
        var tasks = CopyTask("mmstar");
        var yaml = Path.Combine(tasks, "mmstar", "mmstar.yaml");
        File.AppendAllText(yaml, "\ngeneration_kwargs:\n  max_new_tokens: lots\n");
        // --tasks-dir without --config: no complaint about a config that was never given.
        var (code, _, error) = await Cli.RunAsync("run", "--tasks-dir", tasks, "--output", RunRoot, "--model", "replay",
            "--model-args", $"responses={Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")}", "--tasks", "mmstar");
        Assert.Equal(2, code);
        Assert.Contains($"max_new_tokens=lots (from generation_kwargs of task 'mmstar' in {yaml})", error, StringComparison.Ordinal);
        Assert.DoesNotContain("--config", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Fact]
    public async Task Should_run_from_a_tasks_dir_without_an_eval_yaml_when_no_config_is_given()
    {
        var tasks = CopyTask("mmstar");
        var (code, _, error) = await Cli.RunAsync("run", "--tasks-dir", tasks, "--output", RunRoot, "--model", "replay",
            "--model-args", $"responses={Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")}", "--tasks", "mmstar");
        Assert.True(code == 0, error);
    }

    [Theory]
    [InlineData("replay", "bogus=1", "prompt_model, responses")]
    [InlineData("lladav", "path=demo,steps=4", "attn_implementation, batch_packing, conv_template, device, device_map, dtype, max_frames_num, mm_spatial_pool_mode, mm_spatial_pool_stride, model_name, path, pretrained, token_strategy, truncate_context, use_cache, video_cache_mb, video_decode_backend")]
    public async Task Should_reject_an_unknown_model_arg_listing_the_accepted_keys(string model, string args, string accepted)
    {
        var modelArgs = model == "replay" ? $"responses={Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")},{args}" : args;
        var (code, _, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", RunRoot,
            "--model", model, "--model-args", modelArgs, "--tasks", "mmstar", "--limit", "1");
        Assert.Equal(2, code);
        Assert.Contains($"Accepted keys: {accepted}.", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    public async Task Should_refuse_a_limit_with_no_meaning(string limit)
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "l", "--limit", limit));
        Assert.Equal(2, code);
        Assert.Contains($"--limit {limit} has no meaning", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Theory]
    [InlineData("0.5", 3)] // lmms-eval: ceil(5 * 0.5)
    [InlineData("0.1", 1)]
    [InlineData("2", 2)]
    [InlineData("2.7", 2)] // int(2.7)
    public async Task Should_read_limit_as_lmms_eval_does(string limit, int expected)
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "l", "--tasks", "mmstar", "--limit", limit))).Code);
        Assert.Equal(expected, File.ReadAllLines(Path.Combine(RunRoot, "replay", "l", "samples_mmstar.jsonl")).Length);
    }

    [Fact]
    public async Task Should_name_file_column_and_expected_dataset_when_a_data_file_is_of_another_dataset()
    {
        var file = Path.Combine(_out, "data", "Lin-Chen", "MMStar", "data", "val-00000-of-00001.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "{\"id\": 1, \"caption\": \"a cat\", \"label\": 3}\n");
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "d", "--tasks", "mmstar", "--data-dir", Path.Combine(_out, "data")));
        Assert.Equal(3, code);
        Assert.Contains($"{file} has no column '", error, StringComparison.Ordinal);
        Assert.Contains("its columns are: id, caption, label", error, StringComparison.Ordinal);
        Assert.Contains("Lin-Chen/MMStar", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Fact]
    public async Task Should_name_an_output_that_cannot_be_written()
    {
        var file = Path.Combine(_out, "not-a-folder");
        File.WriteAllText(file, "x");
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(file, "o"));
        Assert.Equal(2, code);
        Assert.Contains($"{file} is a file, not a folder", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [UnprivilegedLinuxFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Should_name_a_read_only_output()
    {
        var ro = Directory.CreateDirectory(Path.Combine(_out, "ro")).FullName;
        File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(ro, "o"));
            Assert.Equal(2, code);
            Assert.Contains($"{ro} is not writable", error, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Should_warn_about_a_broken_task_file_not_asked_for_in_run_and_fail_validate()
    {
        var tasks = CopyTask("mmstar");
        Directory.CreateDirectory(Path.Combine(tasks, "broken"));
        File.WriteAllText(Path.Combine(tasks, "broken", "broken.yaml"), "task: broken\ndataset_path: x\n  doc_to_text: [oops\n");
        var responses = $"responses={Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")}";
        var (code, _, error) = await Cli.RunAsync("run", "--tasks-dir", tasks, "--output", RunRoot, "--model", "replay", "--model-args", responses, "--tasks", "mmstar");
        Assert.True(code == 0, error);
        Assert.Matches("warning: .*broken\\.yaml:\\d+:\\d+: malformed YAML", error);

        var (vcode, _, verror) = await Cli.RunAsync("validate", "--tasks-dir", tasks);
        Assert.Equal(2, vcode);
        Assert.Matches("error: .*broken\\.yaml:\\d+:\\d+: malformed YAML", verror);
        Assert.DoesNotContain("   at ", verror, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_allow_a_throughput_only_option_to_change_on_resume()
    {
        var env = new Dictionary<string, string> { [EvaluationRunner.FaultAfterSamplesVariable] = "3", ["SOURCE_DATE_EPOCH"] = "1767225600" };
        Cli.RunProcess(env, Cli.ReplayArgs(RunRoot, "t", "--batch-size", "1"));
        var (code, _, error) = await Cli.RunAsync("run", "--resume", Path.Combine(RunRoot, "replay", "t"), "--tasks-dir", Cli.Tasks, "--batch-size", "4");
        Assert.True(code == 0, error);

        // Not a result-changing one.
        var (seedCode, _, seedError) = await Cli.RunAsync("run", "--resume", Path.Combine(RunRoot, "replay", "t"), "--tasks-dir", Cli.Tasks, "--seed", "7");
        Assert.Equal(2, seedCode);
        Assert.Contains("config.seed", seedError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("report")]
    public async Task Should_report_a_truncated_manifest_by_file_line_and_column(string verb)
    {
        Assert.Equal(0, (await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "m"))).Code);
        var dir = Path.Combine(RunRoot, "replay", "m");
        var manifest = Path.Combine(dir, "manifest.json");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..(text.Length / 2)]);
        var (code, _, error) = verb == "run"
            ? await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks)
            : await Cli.RunAsync("report", dir);
        Assert.Equal(3, code);
        Assert.Matches($"{Regex.Escape(manifest)}:\\d+:\\d+: malformed JSON", error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_replay_responses_that_lack_a_requested_task_before_writing()
    {
        var responses = Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl");
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(RunRoot, "r", "--tasks", "mmstar,mmmu_val", "--model-args", $"responses={responses}"));
        Assert.Equal(3, code);
        Assert.Contains("no response for 5 of 5 docs of task 'mmmu_val'", error, StringComparison.Ordinal);
        AssertNoRunDirectory(error);
    }

    [Fact]
    public async Task Should_skip_a_doc_whose_image_file_is_missing_under_the_data_dir()
    {
        // MME's sample keeps its images as files beside the split (MMStar's are inside its Parquet, as on the Hub).
        var data = LLaDAV.Eval.Testing.TestPaths.SamplesAsDataDir(Path.Combine(_out, "data"), "mme");
        File.Delete(Path.Combine(data, "lmms-lab", "MME", "data", "images", "mme_1.png"));
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", RunRoot, "--run-id", "s", "--model", "lladav", "--model-args", "path=demo",
            "--tasks", "mme", "--limit", "3", "--data-dir", data, "--skip-missing-media", "--gen-kwargs", "gen_length=2,steps=2,block_length=2");
        Assert.True(code == 0, error);
        var samples = File.ReadAllLines(Path.Combine(RunRoot, "lladav", "s", "samples_mme.jsonl"));
        // Docs 2 and 3 show images/mme_1.png; docs 0 and 1 images/mme_0.png.
        Assert.Contains(samples, l => l.Contains("\"doc_id\":2", StringComparison.Ordinal) && l.Contains("skipped", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.Contains("\"doc_id\":0", StringComparison.Ordinal) && !l.Contains("skipped", StringComparison.Ordinal));
    }

    // ---- §4 interrupts speak ----

    [LinuxTheory]
    [InlineData(15, 143)] // SIGTERM: what Slurm sends before the kill
    [InlineData(2, 130)] // SIGINT: Ctrl-C
    public async Task Should_say_what_was_kept_when_interrupted_and_resume_to_the_same_results(int signal, int exitCode)
    {
        // A demo-model run slow enough to signal mid-way (long generations); 3 docs of mmstar's embedded sample.
        string[] args = ["run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", RunRoot, "--run-id", "i", "--model", "lladav", "--model-args", "path=demo",
            "--tasks", "mmstar", "--limit", "3", "--gen-kwargs", "gen_length=64,steps=64,block_length=64"];
        var dir = Path.Combine(RunRoot, "lladav", "i");
        var journal = Path.Combine(dir, "journal", "mmstar.jsonl");
        var (exit, error) = await SignalAfterFirstSampleAsync(args, journal, signal);
        Assert.True(exit == exitCode, $"exit {exit}, expected {exitCode}; stderr: {error}");
        var match = InterruptedLine().Match(error);
        Assert.True(match.Success, error);
        Assert.Equal(3, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dir, match.Groups[3].Value.Trim());
        var saved = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(saved, SampleJournal.Read(journal).Count);
        Assert.InRange(saved, 1, 2);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        var (code, _, resumeError) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks);
        Assert.True(code == 0, resumeError);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "samples_mmstar.jsonl")).Length);
    }

    /// <summary>
    /// An lmms-eval command line (README "For lmms-eval users") stopped by Ctrl-C: the hint must carry the lmms-eval
    /// flags, since the manifest records our settings but not <c>--output_path</c>'s files. Before the fix the hint was
    /// a bare <c>--resume DIR</c>, which finished the run but wrote no <c>&lt;date&gt;_results.json</c> or
    /// <c>&lt;date&gt;_samples_mmstar.jsonl</c>, so the user's scripts found nothing.
    /// </summary>
    [LinuxFact]
    public async Task Should_hint_the_lmms_eval_flags_when_an_lmms_eval_run_is_interrupted_and_write_its_files_on_resume()
    {
        var output = Path.Combine(_out, "exp");
        string[] args = ["run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "l", "--model", "llava_onevision_llada",
            "--model_args", "pretrained=demo,conv_template=llava_llada,model_name=llava_llada", "--tasks", "mmstar", "--limit", "3",
            "--gen_kwargs", "gen_length=64,steps=64,block_length=64", "--batch_size", "1", "--log_samples", "--output_path", output];
        var dir = Path.Combine(output, "lladav", "l");
        var (exit, error) = await SignalAfterFirstSampleAsync(args, Path.Combine(dir, "journal", "mmstar.jsonl"), 2);
        Assert.True(exit == 130, $"exit {exit}; stderr: {error}");
        var match = InterruptedLine().Match(error);
        Assert.True(match.Success, error);
        var hint = match.Groups[3].Value.Trim();
        Assert.Equal(
            $"{dir} --model llava_onevision_llada --model_args pretrained=demo,conv_template=llava_llada,model_name=llava_llada --gen_kwargs gen_length=64,steps=64,block_length=64 --batch_size 1 --output_path {output} --log_samples",
            hint);

        // The hint as typed (every word here is shell-safe, so it splits at spaces).
        var (code, _, resumeError) = await Cli.RunAsync(["run", "--resume", .. hint.Split(' '), "--tasks-dir", Cli.Tasks]);
        Assert.True(code == 0, resumeError);

        // evaluation_tracker: <output_path>/<sanitize_model_name(pretrained)>/<Asia/Singapore date>_...; SOURCE_DATE_EPOCH
        // 1767225600 is 2026-01-01 08:00:00 in Singapore. lmms-eval's config records --model as typed.
        var results = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "demo", "20260101_080000_results.json")))!;
        Assert.Equal("llava_onevision_llada", (string?)results["config"]!["model"]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "demo", "20260101_080000_samples_mmstar.jsonl")).Length);
    }

    /// <summary>
    /// SIGTERM while the model generates the run's last sample: the generation is abandoned at its next forward pass and
    /// the run exits 143 with the first sample kept, the second not journaled and no results. Before the fix the model
    /// ignored the signal until the batch's answers were done, so this run finished its last doc and exited 0 with
    /// results.json: a Slurm array task cancelled during its last batch ended "done" while Slurm said CANCELLED, and a
    /// slower batch outlived Slurm's KillWait and was SIGKILLed without the "interrupted" line.
    /// </summary>
    [LinuxFact]
    public async Task Should_abandon_the_last_sample_in_generation_when_signalled_instead_of_finishing_it()
    {
        // Two docs, one per batch: the first journal line is written just before the second (last) doc's batch starts
        // generating (its media is already prefetched), so the signal reaches the run during that generation.
        string[] args = ["run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", RunRoot, "--run-id", "g", "--model", "lladav", "--model-args", "path=demo",
            "--tasks", "mmstar", "--limit", "2", "--batch-size", "1", "--gen-kwargs", "gen_length=64,steps=64,block_length=64"];
        var dir = Path.Combine(RunRoot, "lladav", "g");
        var journal = Path.Combine(dir, "journal", "mmstar.jsonl");
        var (exit, error) = await SignalAfterFirstSampleAsync(args, journal, 15);
        Assert.True(exit == 143, $"exit {exit}, expected 143 (0: the signalled sample was generated to its end and the run completed); stderr: {error}");
        var match = InterruptedLine().Match(error);
        Assert.True(match.Success, error);
        Assert.Equal("1", match.Groups[1].Value);
        Assert.Equal("2", match.Groups[2].Value);
        Assert.Single(SampleJournal.Read(journal));
        Assert.False(File.Exists(Path.Combine(dir, "results.json")), "a signalled run wrote results.json");
        Assert.Null(RunDirectoryLock.Holder(dir));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts <c>lladav-eval</c> with <paramref name="args"/>, sends <paramref name="signal"/> once the first sample is
    /// journaled, and returns the exit code and stderr. The waits are hang guards, not timing assertions.
    /// </summary>
    private static async Task<(int ExitCode, string Error)> SignalAfterFirstSampleAsync(string[] args, string journal, int signal)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lladav-eval.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SOURCE_DATE_EPOCH"] = "1767225600";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(journal) && File.ReadAllLines(journal).Length >= 1) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(20);
        }

        Assert.False(process.HasExited, "the run ended before its first sample was journaled, so it could not be interrupted");
        Assert.Equal(0, Kill(process.Id, signal));
        // a run that ignored the signal would finish and exit 0, not hang
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the run did not exit after the signal");
        var error = await stderr;
        _ = await stdout;
        return (process.ExitCode, error);
    }

    [GeneratedRegex(@"interrupted: (\d+) of (\d+) samples saved; resume with: lladav-eval run --resume (.+)")]
    private static partial Regex InterruptedLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private string CopyTask(string name)
    {
        var tasks = Path.Combine(_out, "tasks");
        CopyDirectory(Path.Combine(Cli.Tasks, name), Path.Combine(tasks, name));
        return tasks;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>Runs only as a non-root user on Linux: root writes into a mode-0555 folder anyway.</summary>
internal sealed class UnprivilegedLinuxFactAttribute : FactAttribute
{
    public UnprivilegedLinuxFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root")
        {
            Skip = "needs an unprivileged Linux user (root ignores folder modes); the is-a-file output case runs everywhere.";
        }
    }
}

/// <summary>POSIX signals and flock: Linux only.</summary>
internal sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "POSIX signals are tested on Linux only.";
        }
    }
}

/// <summary>POSIX signals and flock: Linux only.</summary>
internal sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "POSIX signals are tested on Linux only.";
        }
    }
}
