using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Run settings as one table (issue 28 §3): every verb, eval.yaml, the manifest and the resume check come from
/// <see cref="RunSettingTable"/>; one validation pass reports every problem; the diagnostic verbs share the CLI's
/// error path.
/// </summary>
public sealed class RunSettingTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Should_write_the_manifest_config_in_the_schema_runs_have_always_had()
    {
        // The manifest.json 'config' object of schema 1, key for key and in this order, as written before the table
        // existed (RunManifest.Config listed the keys by hand); resumable runs on disk depend on these bytes.
        var config = new RunConfig { Tasks = ["mmstar", "mmmu_val"], Model = "replay", ModelArgs = "responses=r.jsonl", Limit = 0.5, Seed = 7, BatchSize = 4 };
        Assert.Equal(
            """{"tasks":["mmstar","mmmu_val"],"model":"replay","model_args":"responses=r.jsonl","gen_kwargs":"","data_dir":null,"limit":0.5,"seed":7,"device":"cpu","batch_size":4,"scoring":"current","reasoning_tags":[["<think>","</think>"],["<analysis>","</analysis>"]],"skip_missing_media":false,"judge":null,"tags":{}}""",
            JsonOutput.Line(RunManifest.Config(config)));

        var judged = config with { Judge = new JudgeSettings("http://judge.local/v1", "gpt-4o-2024-11-20", "OPENAI_API_KEY"), RunTags = config.RunTags.Add("train_samples", "3M") };
        var text = JsonOutput.Line(RunManifest.Config(judged));
        Assert.Contains("""
            "skip_missing_media":false,"judge":{"url":"http://judge.local/v1","model":"gpt-4o-2024-11-20","api_key_env":"OPENAI_API_KEY"},"tags":{"train_samples":"3M"}}
            """, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_back_from_a_manifest_the_configuration_it_records()
    {
        var config = new RunConfig
        {
            Tasks = ["mmstar"], Model = "lladav", ModelArgs = "path=demo", GenKwargs = "steps=4", Limit = 3, Seed = 99, Device = "cpu", BatchSize = 2,
            Scoring = Tasks.Hooks.ScoringRules.Legacy2025, ReasoningTags = [], SkipMissingMedia = true, Shard = new ShardSpec(1, 3),
            Judge = new JudgeSettings("http://judge.local/v1", "m", "KEY"),
        };
        var manifest = new JsonObject { ["shard"] = config.Shard.ToString(), ["config"] = RunManifest.Config(config) };
        var again = RunSettings.FromManifest(manifest).ToConfig();
        Assert.Equal(RunManifest.Config(config).ToJsonString(), RunManifest.Config(again).ToJsonString());
        Assert.Equal(config.Shard, again.Shard);
    }

    [Fact]
    public void Should_report_every_bad_setting_at_once()
    {
        var flags = RunSettings.Empty
            .With(RunSettingTable.Tasks, "mmstar", "--tasks")
            .With(RunSettingTable.Model, "replay", "--model")
            .With(RunSettingTable.Limit, "0", "--limit")
            .With(RunSettingTable.BatchSize, "0", "--batch-size")
            .With(RunSettingTable.Device, "tpu", "--device");
        var e = Assert.Throws<ConfigException>(() => flags.ToConfig());
        Assert.StartsWith("3 run settings are not valid:", e.Message, StringComparison.Ordinal);
        Assert.Contains("--limit 0 has no meaning", e.Message, StringComparison.Ordinal);
        Assert.Contains("--batch-size 0 must be at least 1.", e.Message, StringComparison.Ordinal);
        Assert.Contains("--device 'tpu' is not known", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_the_judge_cache_folder_from_eval_yaml_relative_to_the_file()
    {
        // The setting added as one table row: eval.yaml judge_cache_dir → JudgeSettings.CacheDirectory, which the runner
        // hands to the judge; not in the manifest (a cached verdict is the verdict), so a resume may change it.
        var yaml = Path.Combine(_dir, "eval.yaml");
        File.WriteAllText(yaml, "tasks: mmstar\nmodel: replay\njudge_url: http://judge.local/v1\njudge_cache_dir: cache/judge\n");
        var config = RunSettings.FromYaml(yaml).ToConfig();
        Assert.Equal(Path.Combine(_dir, "cache", "judge"), config.Judge!.CacheDirectory);
        Assert.Equal(Path.Combine(_dir, "cache", "judge"), config.Get(RunSettingTable.JudgeCacheDir));
        Assert.DoesNotContain("cache", JsonOutput.Line(RunManifest.Config(config)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_take_media_prefetch_as_a_setting_that_is_neither_recorded_nor_compared()
    {
        // --media-prefetch was run's own option with its own check (issue 28 §3: added as one table row plus its use in
        // EvaluationRunner). Default 2 batches (README "Video frames and the media pipeline"); 0 is inline.
        var flags = RunSettings.Empty.With(RunSettingTable.Tasks, "mmstar", "--tasks").With(RunSettingTable.Model, "replay", "--model");
        Assert.Equal(2, flags.ToConfig().Get(RunSettingTable.MediaPrefetch));
        var inline = flags.With(RunSettingTable.MediaPrefetch, "0", "--media-prefetch").ToConfig();
        Assert.Equal(0, inline.Get(RunSettingTable.MediaPrefetch));
        Assert.Equal(JsonOutput.Line(RunManifest.Config(flags.ToConfig())), JsonOutput.Line(RunManifest.Config(inline)));

        var e = Assert.Throws<ConfigException>(() => flags.With(RunSettingTable.MediaPrefetch, "-1", "--media-prefetch").ToConfig());
        Assert.Contains("--media-prefetch -1 must be 0 (prepare media inline) or a positive number of batches.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ConfigException>(() => flags.With(RunSettingTable.MediaPrefetch, "two", "--media-prefetch").ToConfig());
        Assert.Contains("--media-prefetch 'two' must be a whole number.", e.Message, StringComparison.Ordinal);

        var yaml = Path.Combine(_dir, "eval.yaml");
        File.WriteAllText(yaml, "tasks: mmstar\nmodel: replay\nmedia_prefetch: 5\n");
        Assert.Equal(5, RunSettings.FromYaml(yaml).ToConfig().Get(RunSettingTable.MediaPrefetch));
    }

    [Fact]
    public async Task Should_give_sweep_every_run_setting_but_output()
    {
        // sweep used to declare 13 of run's flags by hand and lacked --shard and the judge flags.
        var (_, runHelp, _) = await Cli.RunAsync("run", "--help");
        var (_, sweepHelp, _) = await Cli.RunAsync("sweep", "--help");
        foreach (var setting in RunSettingTable.All)
        {
            Assert.Contains(setting.Flag, runHelp, StringComparison.Ordinal);
            if (setting.OnSweep)
            {
                Assert.Contains(setting.Flag + " ", sweepHelp, StringComparison.Ordinal);
            }
        }

        Assert.Contains("--shard", sweepHelp, StringComparison.Ordinal);
        Assert.Contains("--judge-url", sweepHelp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_name_the_backends_in_help_from_the_registry()
    {
        var (_, help, _) = await Cli.RunAsync("run", "--help");
        Assert.Contains($"Backend: {Backends.BackendRegistry.Default.Names}.", help, StringComparison.Ordinal);
        // The registered backends (BackendRegistry.Default), written out by hand: a new backend shows up in help unedited.
        Assert.Equal("lladav, llama3v, openai, openai_compatible or replay", new Backends.BackendRegistry(Backends.BackendRegistry.Default.Factories).Names);
    }

    [Fact]
    public async Task Should_send_a_diagnostic_verbs_file_error_through_the_one_error_path()
    {
        // forward used to catch only ArgumentException and CheckpointException: an unwritable --logits-out escaped as
        // System.CommandLine's stack trace and exit 1. Through CliHost it is one line and exit 3 (a file problem).
        var tiny = LLaDAV.Eval.Testing.TestPaths.InTestData("model-reference", "tiny-lladav");
        var (code, _, error) = await Cli.RunAsync("forward", "--model-path", tiny, "--ids", "1,2", "--logits-out", _dir);
        Assert.Equal(3, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}

/// <summary>The one k=v parser (issue 28 §4), checked against lmms-eval 75571cf utils.simple_parse_args_string / handle_arg_string.</summary>
public sealed class KeyValueTextTests
{
    [Fact]
    public void Should_split_at_top_level_commas_and_type_values_as_lmms_eval()
    {
        // _smart_comma_split keeps a comma inside [...] or quotes; handle_arg_string: "True"/"FALSE" (any case) → bool.
        var pairs = Models.Backends.KeyValueText.Split("""until=["a,b","c"],do_sample=FALSE,x=a=b""", _ => new InvalidOperationException());
        Assert.Equal(["do_sample", "until", "x"], pairs.Keys);
        Assert.Equal("a=b", pairs["x"]);
        Assert.Equal(false, Models.Backends.KeyValueText.Typed(pairs["do_sample"]));
        Assert.Equal(true, Models.Backends.KeyValueText.Typed("tRuE"));
        Assert.Equal(["a,b", "c"], (List<string>)Models.Backends.KeyValueText.Typed(pairs["until"]));
    }

    [Fact]
    public void Should_parse_the_generate_verbs_gen_kwargs_with_the_same_rules()
    {
        // generate's own parser split at every comma, so a list value was cut in two.
        var kwargs = Models.Backends.KeyValueText.ParseGenerationKwargs("""steps=4,until=["x","y"]""");
        Assert.Equal(4L, kwargs.Values["steps"]);
        Assert.Equal(["x", "y"], (List<string>)kwargs.Values["until"]);
    }
}
