using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Commands;

namespace LLaDAV.Eval.Cli.Tests.LmmsEval;

/// <summary>
/// Issue 24 §3: lmms-eval 75571cf's flags on <c>run</c> behave as its <c>__main__.py</c> does; every usage error exits 2.
/// Expected values are read from lmms-eval's code (function and line cited per test).
/// </summary>
public sealed class LmmsEvalFlagTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-lmmsflags-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private string Responses => $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}";

    private Task<(int Code, string Out, string Err)> Run(params string[] args) =>
        Cli.RunAsync(["run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "f", "--model", "replay", "--model_args", Responses, .. args]);

    private JsonNode LmmsResults() => JsonNode.Parse(File.ReadAllText(Directory.GetFiles(_out, "*_results.json").Single()))!;

    [Fact]
    public async Task Should_print_every_name_for_tasks_list_and_exit_0_without_running()
    {
        // __main__.py 674-676: eval_logger.info("Available Tasks:\n - {}".format("\n - ".join(sorted(task_manager.all_tasks)))); sys.exit().
        var (code, output, error) = await Cli.RunAsync("run", "--tasks-dir", Cli.Tasks, "--tasks", "list", "--output_path", _out);
        Assert.True(code == 0, output + error);
        Assert.Contains("Available Tasks:\n - ai2d\n", output, StringComparison.Ordinal);
        Assert.Contains("\n - mmmu\n - mmmu_pro", output, StringComparison.Ordinal); // groups and tasks in one sorted list
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    [Theory]
    [InlineData("list_groups", "|Group|", "|mmmu ")]
    [InlineData("list_subtasks", "|Output Type|", "|mmmu_val ")]
    public async Task Should_print_list_all_tasks_tables(string verb, string header, string row)
    {
        // tasks/__init__.py list_all_tasks 97-157: MarkdownTableWriter tables Group|Config Location, Tag, Task|Config Location|Output Type.
        var (code, output, error) = await Cli.RunAsync("run", "--tasks-dir", Cli.Tasks, "--tasks", verb);
        Assert.True(code == 0, output + error);
        Assert.Contains(header.Trim('|'), output.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains(row, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Effective configuration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_the_tag_table_for_list_tags()
    {
        var (code, output, error) = await Cli.RunAsync("run", "--tasks-dir", Cli.Tasks, "--tasks", "list_tags");
        Assert.True(code == 0, output + error);
        Assert.Contains("|Tag", output, StringComparison.Ordinal);
        Assert.DoesNotContain("|Group", output, StringComparison.Ordinal);
    }

    [Theory]
    // _int_or_none_list_arg_type(3, 4, "0,1234,1234,1234"): one value → four times; 3 values → default 4th; "None" allowed.
    [InlineData("0,1234,1234,1234", new long[] { 0, 1234, 1234, 1234 }, 1234)]
    [InlineData("42", new long[] { 42, 42, 42, 42 }, 42)]
    [InlineData("7,None,8", new long[] { 7, -1, 8, 1234 }, 8)]
    public async Task Should_take_lmms_evals_seed_lists(string seed, long[] expected, long ours)
    {
        var (code, output, error) = await Run("--tasks", "mme", "--output_path", _out, "--seed", seed);
        Assert.True(code == 0, output + error);
        var config = LmmsResults()["config"]!;
        long? Seed(string key) => (long?)config[key];
        Assert.Equal(expected.Select(e => e < 0 ? (long?)null : e), new[] { Seed("random_seed"), Seed("numpy_seed"), Seed("torch_seed"), Seed("fewshot_seed") });
        var manifest = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(_out, "manifest.json", SearchOption.AllDirectories).Single()))!;
        Assert.Equal(ours, (long)manifest["config"]!["seed"]!);
    }

    [Theory]
    [InlineData("1,2", "Argument requires 4 integers or None")]
    [InlineData("1,2,3,4,5", "Argument requires 4 integers or None")]
    [InlineData("x", "x is not an integer or None")]
    public async Task Should_refuse_a_bad_seed_list_with_exit_2(string seed, string expected)
    {
        var (code, _, error) = await Run("--tasks", "mme", "--output_path", _out, "--seed", seed);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Theory]
    // SOURCE_DATE_EPOCH 1767225600 = 2026-01-01 00:00:00 UTC; utils.get_datetime_str: astimezone(pytz.timezone(tz)).strftime("%Y%m%d_%H%M%S").
    [InlineData(null, "20260101_080000")]
    [InlineData("America/New_York", "20251231_190000")]
    [InlineData("UTC", "20260101_000000")]
    public async Task Should_name_files_and_date_in_the_timezone(string? zone, string date)
    {
        var (code, output, error) = await Run(["--tasks", "mme", "--output_path", _out, .. zone is null ? Array.Empty<string>() : ["--timezone", zone]]);
        Assert.True(code == 0, output + error);
        Assert.True(File.Exists(Path.Combine(_out, $"{date}_results.json")), string.Join(", ", Directory.GetFiles(_out)));
        Assert.Equal(date, (string)LmmsResults()["date"]!);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_timezone_with_exit_2()
    {
        var (code, _, error) = await Run("--tasks", "mme", "--output_path", _out, "--timezone", "Mars/Olympus_Mons");
        Assert.Equal(2, code);
        Assert.Contains("--timezone Mars/Olympus_Mons: not a known time zone", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    [Fact]
    public async Task Should_log_less_at_warning_and_more_at_debug()
    {
        // loguru level filter (__main__.py 487): INFO lines vanish at WARNING; DEBUG adds debug lines.
        var (code, quiet, _) = await Run("--tasks", "mme", "--output", _out, "--verbosity", "WARNING");
        Assert.Equal(0, code);
        Assert.DoesNotContain("Effective configuration", quiet, StringComparison.Ordinal);
        Assert.DoesNotContain("[mme] done", quiet, StringComparison.Ordinal);
        Assert.Contains("|Tasks|", quiet.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var (code2, loud, _) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "d", "--model", "replay", "--model_args", Responses, "--tasks", "mme", "--output", _out, "--verbosity", "DEBUG");
        Assert.Equal(0, code2);
        Assert.Contains("Effective configuration", loud, StringComparison.Ordinal);
        Assert.Contains("debug: selected tasks mme", loud, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BOGUS")]
    [InlineData("debug")] // loguru level names are case-sensitive
    public async Task Should_refuse_an_unknown_verbosity_with_exit_2(string level)
    {
        var (code, _, error) = await Run("--tasks", "mme", "--output", _out, "--verbosity", level);
        Assert.Equal(2, code);
        Assert.Contains($"--verbosity {level}: not a log level", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_add_include_path_tasks_to_the_built_in_ones()
    {
        var dir = IncludeFolder();

        // TaskManager(include_path): all_paths = [built-in] + include_path; the built-in mme stays available beside it.
        var (code, output, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "i", "--model", "replay",
            "--model_args", $"responses={Path.Combine(dir, "responses.jsonl")}", "--tasks", "mmstar_inc,mme", "--include_path", dir, "--output_path", _out);
        Assert.True(code == 0, output + error);
        var results = LmmsResults()["results"]!.AsObject();
        Assert.Equal(["mme", "mmstar_inc"], results.Select(kv => kv.Key).ToArray());
        Assert.Equal(0.5, (double)results["mmstar_inc"]!["coarse perception,none"]!); // docs 0-1: A right, (C) wrong
        Assert.Equal(dir, (string)LmmsResults()["config"]!["resolved_cli_args"]!["include_path"]!);
    }

    [Fact]
    public async Task Should_run_a_task_yaml_path_given_in_tasks()
    {
        var dir = IncludeFolder();

        // __main__.py 698-701: a --tasks item that is no registered name but a file is loaded as a task config.
        var (code, output, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "y", "--model", "replay",
            "--model_args", $"responses={Path.Combine(dir, "responses.jsonl")}", "--tasks", Path.Combine(dir, "mmstar_inc.yaml"), "--output_path", _out);
        Assert.True(code == 0, output + error);
        Assert.NotNull(LmmsResults()["results"]!["mmstar_inc"]);
    }

    [Theory]
    [InlineData("run", "--no-such-flag")]
    [InlineData("launch", "--workers", "many")]
    [InlineData("compare")]
    [InlineData("no-such-verb")]
    public async Task Should_exit_2_on_every_parser_error(params string[] args)
    {
        // System.CommandLine's own errors exit 1 by default, which is compare's "regression"; usage errors are 2 here.
        var (code, _, error) = await Cli.RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_2_naming_the_flag_when_a_run_setting_is_not_a_number()
    {
        // Run settings are parsed from the settings table (eval.yaml and flags alike), so the message names the flag.
        var (code, _, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--limit", "many");
        Assert.Equal(2, code);
        Assert.Contains("--limit 'many' must be a number.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_seed_list_rules_for_three_and_one_values()
    {
        Assert.Equal([0L, null, 8L, 1234L], LmmsEvalFlags.SeedList(" 0 , NONE ,8"));
        Assert.Equal([5L, 5L, 5L, 5L], LmmsEvalFlags.SeedList("5"));
        Assert.Equal(8, LmmsEvalFlags.RunSeed("0,None,8,52"));
        Assert.Equal(3, LmmsEvalFlags.RunSeed("3,None,None,None"));
    }

    /// <summary>A task folder outside tasks/: mmstar's YAML renamed mmstar_inc, its two first sample docs, and responses.</summary>
    private string IncludeFolder()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_out, "inc")).FullName;
        var yaml = File.ReadAllText(Path.Combine(Cli.Tasks, "mmstar", "mmstar.yaml")).Replace("task: \"mmstar\"", "task: \"mmstar_inc\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "mmstar_inc.yaml"), yaml);
        CopyDirectory(Path.Combine(Cli.Tasks, "mmstar", "sample"), Path.Combine(dir, "sample"));
        File.WriteAllText(Path.Combine(dir, "responses.jsonl"), string.Join("\n", Enumerable.Range(0, 6).Select(i =>
            $$"""{"task": "mmstar_inc", "doc_id": {{i}}, "response": "{{(i == 0 ? "A" : "(C) red")}}"}""")) + "\n"
            + File.ReadAllText(Path.Combine(Cli.Tasks, "mme", "sample", "responses.jsonl")));
        return dir;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
