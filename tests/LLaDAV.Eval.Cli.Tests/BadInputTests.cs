namespace LLaDAV.Eval.Cli.Tests;

/// <summary>Bad input gets one clear error naming the file/field and the fix, and a non-zero exit (docs/ARCHITECTURE.md §7).</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-bad-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Should_reject_an_unknown_task_with_suggestions()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--tasks", "mmmu_vall"));
        Assert.Equal(2, code);
        Assert.Contains("Unknown task or group 'mmmu_vall'", error, StringComparison.Ordinal);
        Assert.Contains("mmmu_val", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_malformed_task_yaml_with_file_and_line()
    {
        var tasks = Path.Combine(_out, "tasks");
        Directory.CreateDirectory(tasks);
        File.WriteAllText(Path.Combine(tasks, "broken.yaml"), "task: broken\ndoc_to_text: [oops\n");
        var (code, _, error) = await Cli.RunAsync("validate", "--tasks-dir", tasks);
        Assert.Equal(2, code);
        Assert.Contains("broken.yaml:", error, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_where_it_looked_when_data_is_missing()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_out, "data")).FullName;
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--data-dir", empty));
        Assert.Equal(3, code);
        Assert.Contains(Path.Combine(empty, "lmms-lab", "MMMU"), error, StringComparison.Ordinal);
        Assert.Contains("--data-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_count_the_docs_a_responses_file_is_missing()
    {
        var responses = Path.Combine(_out, "partial.jsonl");
        File.WriteAllLines(responses, File.ReadAllLines(Path.Combine(Cli.Tasks, "mmmu", "sample", "responses.jsonl")).Take(3));
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--tasks", "mmmu_val", "--model-args", $"responses={responses}"));
        Assert.Equal(3, code);
        Assert.Contains("no response for 2 of 5 docs of task 'mmmu_val' (doc_id 3, 4)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_out, "replay", "x", "results.json")));
    }

    [Theory]
    [InlineData("batch_packing=fast", "--model-args batch_packing=fast is not one of: exact (default), always.")]
    [InlineData("max_frames_num=lots", "--model-args max_frames_num=lots is not a positive whole number of frames")]
    public async Task Should_reject_a_bad_model_arg_by_key_and_value(string arg, string message)
    {
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--model", "lladav", "--model-args", "path=demo," + arg, "--tasks", "mmstar", "--limit", "1");
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_out, "results.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_reject_a_bad_shard_spec()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--shard", "4/4"));
        Assert.Equal(2, code);
        Assert.Contains("--shard '4/4'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_tasks_and_validate_the_catalog()
    {
        var (code, output, _) = await Cli.RunAsync("tasks", "--tasks-dir", Cli.Tasks);
        Assert.Equal(0, code);
        Assert.Contains("mmmu_val", output, StringComparison.Ordinal);
        Assert.Contains("5 (sample)", output, StringComparison.Ordinal);
        var (vcode, voutput, verror) = await Cli.RunAsync("validate", "--tasks-dir", Cli.Tasks);
        Assert.True(vcode == 0, voutput + verror);
        Assert.Contains("ok    mmstar", voutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_an_unknown_device_before_running()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--device", "tpu"));
        Assert.Equal(2, code);
        Assert.Contains("--device 'tpu' is not known", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_which_library_is_missing_when_cuda_is_asked_for_without_a_gpu()
    {
        Assert.SkipWhen(File.Exists("/dev/nvidiactl"), "an NVIDIA driver is loaded here (/dev/nvidiactl): the no-GPU error path does not apply; the Models CUDA tests exercise the CUDA path");
        // scripts/test.sh puts the emulated device (tests/cuda-emulator) in LLADAV_CUDA_LIBRARY_PATH, so this process
        // opens CUDA: the child runs without it, as on a machine with no GPU and no emulator.
        var (code, output) = Cli.RunProcess(
            new Dictionary<string, string> { ["LLADAV_CUDA_LIBRARY_PATH"] = string.Empty },
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "cuda",
            "--model", "lladav", "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "1", "--device", "cuda");
        Assert.True(code == 3, output);
        Assert.Contains("libcuda", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_checkpoint_of_the_other_family()
    {
        var tinyLladav = LLaDAV.Eval.Testing.TestPaths.InTestData("model-reference", "tiny-lladav");
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "family",
            "--model", "llama3v", "--model-args", $"path={tinyLladav}", "--tasks", "mmstar", "--limit", "1",
            "--data-dir", LLaDAV.Eval.Testing.TestPaths.SamplesAsDataDir(Path.Combine(_out, "data"), "mmstar"));
        Assert.Equal(3, code);
        Assert.True(error.Contains("needs a Llama3V checkpoint", StringComparison.Ordinal), error);
        Assert.Contains("config.json", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tasks", "\"mmstar\"", "'config.tasks' is \"mmstar\"")]
    [InlineData("tags", "{\"k\": 3}", "'config.tags' is {\"k\":3}")]
    [InlineData(null, null, "'config' is missing")]
    public async Task Should_name_the_manifest_and_key_when_resuming_a_damaged_manifest(string? key, string? json, string message)
    {
        var (first, _, firstError) = await Cli.RunAsync(Cli.ReplayArgs(_out, "damaged", "--tasks", "mmstar"));
        Assert.True(first == 0, firstError);
        var run = Path.Combine(_out, "replay", "damaged");
        var manifestPath = Path.Combine(run, "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        if (key is null)
        {
            manifest.Remove("config");
        }
        else
        {
            manifest["config"]![key] = System.Text.Json.Nodes.JsonNode.Parse(json!);
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString());

        // A value of another JSON type than the one written there used to crash resume (exit 70, "internal error");
        // a missing config object said "No tasks given" (exit 2), naming neither the file nor the key.
        var (code, _, error) = await Cli.RunAsync("run", "--resume", run);
        Assert.True(code == 3, error);
        Assert.Contains($"{manifestPath}: {message}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A path= folder that holds no checkpoint is a bad setting, said before any data is looked for: it used to be found
    /// only when the model loaded, after the run had located (or, from the Hub, downloaded) every task's dataset, so
    /// here the user was told about the missing data instead.
    /// </summary>
    [Fact]
    public async Task Should_refuse_a_checkpoint_folder_without_config_json_before_looking_for_data()
    {
        var notACheckpoint = Directory.CreateDirectory(Path.Combine(_out, "not a checkpoint")).FullName;
        var noData = Directory.CreateDirectory(Path.Combine(_out, "data")).FullName;
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "nock",
            "--model", "lladav", "--model-args", $"path={notACheckpoint}", "--tasks", "mmstar", "--data-dir", noData);
        Assert.True(code == 2, error);
        Assert.Contains($"--model-args path/pretrained={notACheckpoint}: {notACheckpoint} has no config.json", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "lladav")));
    }

    /// <summary>
    /// lmms-eval command lines often say <c>device_map=auto</c>; that, and a <c>cuda:</c> index that is not a number,
    /// passed the settings check and failed at model load as an internal error (exit 70, a crash file in /tmp).
    /// </summary>
    [Theory]
    [InlineData("--model-args", "path=demo,device_map=auto", "--model-args device_map=auto is not a device: use cpu, cuda or cuda:N")]
    [InlineData("--model-args", "path=demo,device=cuda:abc", "--model-args device=cuda:abc is not a device: use cpu, cuda or cuda:N")]
    [InlineData("--device", "cuda:abc", "--device 'cuda:abc' is not known.")]
    public async Task Should_refuse_a_device_that_is_not_one_before_loading(string flag, string value, string message)
    {
        var (code, _, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", "dev",
            "--model", "lladav", "--tasks", "mmstar", "--limit", "1", flag, value);
        Assert.True(code == 2, error);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "lladav")));
    }

    /// <summary>
    /// An empty path (a shell variable that was not set: <c>--output_path "$OUT"</c>) is a usage error naming the flag;
    /// in every verb below it was an internal error (exit 70, a crash file) from Path.GetFullPath("").
    /// </summary>
    [Theory]
    [InlineData("run", "--output_path")]
    [InlineData("run", "--run-dir")]
    [InlineData("run", "--tasks-dir")]
    [InlineData("run", "--data-dir")] // quietly meant the current folder
    [InlineData("report", "--out")]
    [InlineData("merge", "--output")]
    [InlineData("launch", "--output_path")]
    [InlineData("status", "<run-root>")]
    [InlineData("compare", "<new>")]
    public async Task Should_name_an_empty_path_flag_instead_of_crashing(string verb, string flag)
    {
        var (first, _, firstError) = await Cli.RunAsync(Cli.ReplayArgs(_out, "base", "--tasks", "mmstar"));
        Assert.True(first == 0, firstError);
        var run = Path.Combine(_out, "replay", "base");
        string[] args = verb switch
        {
            "run" when flag == "--tasks-dir" => ["run", "--config", Cli.Config, "--tasks-dir", "", "--model", "replay", "--tasks", "mmstar"],
            "run" => [.. Cli.ReplayArgs(_out, "e", "--tasks", "mmstar"), flag, ""],
            "launch" => ["launch", "--workers", "1", .. Cli.ReplayArgs(_out, "e", "--tasks", "mmstar")[1..], flag, ""],
            "status" => ["status", ""],
            "compare" => ["compare", run, ""],
            _ => [.. verb.Split(' '), run, flag, ""],
        };
        var (code, _, error) = await Cli.RunAsync(args);
        Assert.True(code == 2, error);
        Assert.Contains($"error: {flag} is empty: give a file or folder path", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
    }

    /// <summary>An IO failure is one sentence: .NET's message already ends with a period, and the line said "'/x/sub'..".</summary>
    [Fact]
    public async Task Should_print_an_io_failure_as_one_sentence()
    {
        var (first, _, firstError) = await Cli.RunAsync(Cli.ReplayArgs(_out, "io", "--tasks", "mmstar"));
        Assert.True(first == 0, firstError);
        var file = Path.Combine(_out, "a-file");
        File.WriteAllText(file, "");
        var (code, _, error) = await Cli.RunAsync("report", Path.Combine(_out, "replay", "io"), "--out", Path.Combine(file, "sub"));
        Assert.True(code == 3, error);
        Assert.Contains("error: cannot read or write a file: ", error, StringComparison.Ordinal);
        Assert.Contains($"'{Path.Combine(file, "sub")}'.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("..", error, StringComparison.Ordinal);
    }

    /// <summary>A file given where a run folder is expected is named as a file, not as a folder that "does not exist".</summary>
    [Fact]
    public async Task Should_name_a_file_given_as_a_run_folder()
    {
        var file = Path.Combine(_out, "results.json");
        Directory.CreateDirectory(_out);
        File.WriteAllText(file, "{}");
        var (code, _, error) = await Cli.RunAsync("report", file);
        Assert.True(code == 3, error);
        Assert.Contains($"{file} is a file, not a run folder. Pass the folder that 'lladav-eval run' wrote", error, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", error, StringComparison.Ordinal);
    }
}
