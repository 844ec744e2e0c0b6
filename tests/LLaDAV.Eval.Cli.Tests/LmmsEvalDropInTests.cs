using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Commands;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Issue 17 §1/§1b: an lmms-eval user's command works unchanged. Expected member lists are read from lmms-eval
/// 75571cf's YAMLs (paths cited per case); submission contents are derived by hand from its utils.py.
/// </summary>
public sealed class LmmsEvalDropInTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lladav-dropin-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    public static TheoryData<string, string[]> UpstreamGroups => new()
    {
        // lmms_eval/tasks/mmmu/mmmu.yaml
        { "mmmu", ["mmmu_val", "mmmu_test"] },

        // lmms_eval/tasks/docvqa/docvqa.yaml, lmms_eval/tasks/infovqa/infovqa.yaml
        { "docvqa", ["docvqa_val", "docvqa_test"] },
        { "infovqa", ["infovqa_val", "infovqa_test"] },

        // lmms_eval/tasks/mathvista/mathvista.yaml, mathvista_testmini.yaml
        { "mathvista", ["mathvista_testmini", "mathvista_test"] },
        { "mathvista_testmini", ["mathvista_testmini_cot", "mathvista_testmini_solution", "mathvista_testmini_format"] },

        // lmms_eval/tasks/mmbench/mmbench.yaml, mmbench_en.yaml, mmbench_cn.yaml
        { "mmbench", ["mmbench_en_dev", "mmbench_en_test", "mmbench_cn_dev", "mmbench_cn_test", "mmbench_cn_cc", "mmbench_ru_dev"] },
        { "mmbench_en", ["mmbench_en_dev", "mmbench_en_test"] },
        { "mmbench_cn", ["mmbench_cn_dev", "mmbench_cn_test", "mmbench_cn_cc"] },

        // lmms_eval/tasks/mathverse/mathverse.yaml, mathverse_testmini_vision.yaml, mathverse_testmini_text.yaml
        { "mathverse", ["mathverse_testmini", "mathverse_testmini_text_only", "mathverse_testmini_text_lite", "mathverse_testmini_text_dominant", "mathverse_testmini_vision_intensive", "mathverse_testmini_vision_dominant", "mathverse_testmini_vision_only"] },
        { "mathverse_testmini_vision", ["mathverse_testmini_vision_intensive", "mathverse_testmini_vision_dominant", "mathverse_testmini_vision_only"] },
        { "mathverse_testmini_text", ["mathverse_testmini_text_lite", "mathverse_testmini_text_dominant", "mathverse_testmini_text_only"] },

        // lmms_eval/tasks/mmmu_pro/mmmu_pro.yaml (composite commented out upstream)
        { "mmmu_pro", ["mmmu_pro_vision", "mmmu_pro_standard"] },

        // lmms_eval/tasks/pope/pope_full.yaml
        { "pope_full", ["pope_adv", "pope_pop", "pope_random"] },

        // lmms_eval/tasks/mvbench/mvbench.yaml
        {
            "mvbench",
            ["mvbench_action_sequence", "mvbench_moving_count", "mvbench_action_prediction", "mvbench_episodic_reasoning", "mvbench_action_antonym",
             "mvbench_action_count", "mvbench_scene_transition", "mvbench_object_shuffle", "mvbench_object_existence", "mvbench_fine_grained_pose",
             "mvbench_unexpected_action", "mvbench_moving_direction", "mvbench_state_change", "mvbench_object_interaction", "mvbench_character_order",
             "mvbench_action_localization", "mvbench_counterfactual_inference", "mvbench_fine_grained_action", "mvbench_moving_attribute", "mvbench_egocentric_navigation"]
        },
    };

    [Theory]
    [MemberData(nameof(UpstreamGroups))]
    public void Should_define_each_group_with_lmms_evals_members(string group, string[] members)
    {
        var catalog = TaskCatalog.Load(Cli.Tasks, HookRegistry.CreateDefault());
        Assert.True(catalog.Groups.ContainsKey(group), $"group {group} is missing");
        Assert.Equal(members, catalog.Groups[group].Members.ToArray());
    }

    [Fact]
    public async Task Should_run_mmmu_and_mmstar_on_the_samples_and_write_mmmus_submission_file()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "m", "--tasks", "mmmu,mmstar"));
        Assert.True(code == 0, output + error);
        var run = Path.Combine(_out, "replay", "m");

        // mmmu_process_results → {doc["id"]: parsed_preds[0]}; by hand from tasks/mmmu/sample/responses.jsonl:
        // "The answer is (B)." → MC letter B; "The area is 16" → key part "16" → normalize_str → 16.0 → str "16.0";
        // "v = g t = 19.6" → last sentence, indicator "=" → "19.6" → 19.6 → "19.6". json.dump default separators.
        Assert.Equal(
            """{"test_Art_Theory_1": "B", "test_Math_2": "16.0", "test_Physics_3": "19.6"}""",
            File.ReadAllText(Path.Combine(run, "mmmu_test_for_submission.json")));
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!;
        Assert.Null(results["results"]!["mmmu_test"]!["submission,none"]);
        Assert.NotNull(results["results"]!["mmmu_val"]!["mmmu_acc,none"]);
        Assert.Equal("mmmu_test_for_submission.json", (string)results["lladav_eval"]!["submissions"]!["mmmu_test"]!["file"]!);
        Assert.Contains("mmmu_test_for_submission.json -> upload to https://eval.ai/", output, StringComparison.Ordinal);
        Assert.Equal(["mmmu_val", "mmmu_test"], results["group_subtasks"]!["mmmu"]!.AsArray().Select(n => (string)n!).ToArray());
        // The test split is not scored here, so the open-ended quirk is reported for mmmu_val only.
        Assert.NotNull(results["lladav_eval"]!["upstream_quirks"]!["mmmu_val"]);
        Assert.Null(results["lladav_eval"]!["upstream_quirks"]!["mmmu_test"]);
        Assert.DoesNotContain("mmmu_test: 2 open-ended", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_docvqa_and_infovqa_test_submissions_as_lmms_eval_dumps_them()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "d", "--tasks", "docvqa_test,infovqa_test"));
        Assert.True(code == 0, output + error);
        var run = Path.Combine(_out, "replay", "d");

        // docvqa_test_process_results: {"questionId": int(questionId), "answer": results[0]} (raw response), json.dump of the list.
        Assert.Equal(
            """[{"questionId": 57344, "answer": "ORDER FORM"}, {"questionId": 57345, "answer": "The footer reads 1993.\nAnswer: 1993"}]""",
            File.ReadAllText(Path.Combine(run, "docvqa_test_for_submission.json")));
        Assert.Equal(
            """[{"questionId": 65536, "answer": "12%"}, {"questionId": 65537, "answer": "Answer: Lisbon"}]""",
            File.ReadAllText(Path.Combine(run, "infovqa_test_for_submission.json")));
    }

    [Fact]
    public async Task Should_write_mmbenchs_answer_sheet_as_pandas_to_excel_lays_it_out()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "x", "--tasks", "mmbench_en"));
        Assert.True(code == 0, output + error);
        using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_out, "replay", "x", "mmbench_en_test_results.xlsx"));
        var sheet = System.Xml.Linq.XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        System.Xml.Linq.XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var cells = sheet.Descendants(ns + "c").ToDictionary(c => (string)c.Attribute("r")!, c => c.Value);
        Assert.Contains("Sheet1", new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open()).ReadToEnd(), StringComparison.Ordinal);

        // en_utils.mmbench_process_results' submission keys in order, DataFrame(...).to_excel(index=False): header row 1.
        string[] header = ["index", "question", "answer", "prediction", "hint", "source", "split", "category", "L2-category", "A", "B", "C", "D", "E"];
        Assert.Equal(header, header.Select((_, i) => cells[$"{(char)('A' + i)}1"]).ToArray());

        // Row 2 from tasks/mmbench/sample (test split) and its response " B\n": prediction = strip() = "B"; answer and
        // D are null (empty cells); E is absent from the split, so doc.get("E", "nan") = "nan".
        Assert.Equal("1000", cells["A2"]);
        Assert.Equal("B", cells["D2"]);
        Assert.Equal("nan", cells["E2"]);
        Assert.Equal("triangle", cells["L2"]);
        Assert.False(cells.ContainsKey("C2"));
        Assert.False(cells.ContainsKey("M2"));
        Assert.Equal("nan", cells["N2"]);
        Assert.Equal("A & <b>", cells["D3"]);
        Assert.Contains("mmbench_en_test_results.xlsx -> upload to https://mmbench.opencompass.org.cn/", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mmmu_val_qwen", "'mmmu_val_qwen' is an lmms-eval 75571cf name (mmmu) that is not ported; ported tasks of that family: mmmu_test, mmmu_val.")]
    [InlineData("mmbench", "'mmbench_cn_dev' is an lmms-eval 75571cf name (mmbench) that is not ported (listed by group mmbench); ported tasks of that family: mmbench_en_dev, mmbench_en_dev_static, mmbench_en_test.")]
    [InlineData("chartqa_lite", "'chartqa_lite' is an lmms-eval 75571cf name (chartqa) that is not ported; ported tasks of that family: chartqa.")]
    public async Task Should_say_not_ported_for_an_lmms_eval_name_we_lack(string name, string expected)
    {
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "n", "--tasks", name));
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Effective configuration", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "replay", "n")));
    }

    [Fact]
    public async Task Should_suggest_for_a_typo_and_not_call_it_unported()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(_out, "t", "--tasks", "mmbnech_en"));
        Assert.Equal(2, code);
        Assert.Contains("Unknown task or group 'mmbnech_en'. Did you mean: mmbench_en", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not ported", error, StringComparison.Ordinal);
    }

    /// <summary>docs/LLADAV-MODEL.md §7.1, word for word after `lladav-eval run`; the checkpoint is a tiny LLaDA-V in an HF-cache-shaped folder.</summary>
    [Fact]
    public void Should_run_the_llada_v_authors_lmms_eval_line_unchanged()
    {
        var hf = Path.Combine(_out, "hf");
        var repo = Path.Combine(hf, "hub", "models--GSAI-ML--LLaDA-V");
        var snapshot = Path.Combine(repo, "snapshots", "0123abcd");
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), "0123abcd");
        foreach (var f in Directory.GetFiles(TestPaths.InTestData("model-reference", "tiny-lladav")))
        {
            File.Copy(f, Path.Combine(snapshot, Path.GetFileName(f)));
        }

        // The dataset too, as `huggingface-cli download` leaves it: a real checkpoint never reads the embedded sample.
        TestPaths.SamplesAsHubCache(Path.Combine(hf, "hub"), "mmmu");
        var cwd = Directory.CreateDirectory(Path.Combine(_out, "cwd")).FullName;
        var (code, output) = Cli.RunProcessIn(cwd, new Dictionary<string, string> { ["HF_HOME"] = hf, ["SOURCE_DATE_EPOCH"] = "1767225600" },
            "run", "--model", "llava_onevision_llada",
            "--gen_kwargs={\"temperature\":0,\"cfg\":0,\"remasking\":\"low_confidence\",\"gen_length\":2,\"block_length\":2,\"gen_steps\":2,\"think_mode\":\"no_think\"}",
            "--model_args", "pretrained=GSAI-ML/LLaDA-V,conv_template=llava_llada,model_name=llava_llada",
            "--tasks", "mmmu_test", "--batch_size", "1", "--log_samples", "--log_samples_suffix", "mmmu_test",
            "--output_path", "exp/llava_v_eval/LLaDA-V");
        Assert.True(code == 0, output);

        // evaluation_tracker: <output_path>/<sanitize_model_name(pretrained)>/<Asia/Singapore %Y%m%d_%H%M%S>_results.json;
        // 1767225600 = 2026-01-01 00:00:00 UTC = 08:00:00 in Singapore. Submissions: <output_path>/submissions/.
        var root = Path.Combine(cwd, "exp", "llava_v_eval", "LLaDA-V");
        Assert.True(File.Exists(Path.Combine(root, "GSAI-ML__LLaDA-V", "20260101_080000_results.json")), output);
        Assert.True(File.Exists(Path.Combine(root, "GSAI-ML__LLaDA-V", "20260101_080000_samples_mmmu_test.jsonl")), output);
        Assert.True(File.Exists(Path.Combine(root, "submissions", "mmmu_test_for_submission.json")), output);
        var manifest = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(root, "manifest.json", SearchOption.AllDirectories).Single()))!;
        Assert.Equal("lladav", (string)manifest["config"]!["model"]!);
        Assert.Contains("steps=2", manifest["config"]!["gen_kwargs"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("RANDOM weights", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_name_the_hf_cache_paths_searched_for_a_missing_pretrained_repo()
    {
        var hf = Directory.CreateDirectory(Path.Combine(_out, "emptyhf")).FullName;
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", hf);
        try
        {
            var (code, _, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--model", "lladav", "--model_args", "pretrained=Nobody/Nothing", "--tasks", "mmstar");
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine(hf, "models--Nobody--Nothing", "snapshots"), error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        }
    }

    [Theory]
    [InlineData("conv_template=qwen_1_5", "conv_template=qwen_1_5 is not supported by --model lladav: accepted llava_llada")]
    [InlineData("model_name=llava_qwen", "model_name=llava_qwen: lmms-eval's builder loads the LLaDA class only when model_name contains 'llada'")]
    [InlineData("mm_spatial_pool_mode=average", "mm_spatial_pool_mode=average is not supported by --model lladav: accepted bilinear")]
    public async Task Should_refuse_an_lmms_eval_model_arg_value_we_do_not_reproduce(string arg, string expected)
    {
        var (code, _, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--model", "llava_onevision_llada", "--model_args", $"pretrained=demo,{arg}", "--tasks", "mmstar", "--limit", "1");
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--num_fewshot", "5", "--num_fewshot 5: every ported task is zero-shot")]
    [InlineData("--include_path", "/nonexistent-lladav-include", "--include_path /nonexistent-lladav-include: no such folder")]
    [InlineData("--batch_size", "auto", "--batch_size auto: a positive whole number")]
    public async Task Should_refuse_lmms_eval_flag_values_we_do_not_support(string flag, string value, string expected)
    {
        var (code, _, error) = await Cli.RunAsync([.. Cli.ReplayArgs(_out, "f", "--tasks", "mmstar"), flag, value]);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>
    /// lmms-eval 75571cf <c>__main__.py</c> <c>cli_evaluate</c>: <c>--predict_only</c> sets <c>log_samples</c>, and either
    /// without <c>--output_path</c> raises "Specify --output_path if providing --log_samples or --predict_only" before
    /// anything runs. Here both were accepted and the run wrote no lmms-eval file, saying nothing.
    /// </summary>
    [Theory]
    [InlineData("--log_samples")]
    [InlineData("--predict_only")]
    public async Task Should_require_output_path_for_log_samples_and_predict_only_as_lmms_eval_does(string flag)
    {
        var (code, _, error) = await Cli.RunAsync([.. Cli.ReplayArgs(_out, "ls", "--tasks", "mmstar"), flag]);
        Assert.True(code == 2, error);
        Assert.Contains($"{flag} writes lmms-eval's <output_path>/<model>/<date>_samples_<task>.jsonl: specify --output_path", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "replay", "ls")));

        var (ok, _, okError) = await Cli.RunAsync([.. Cli.ReplayArgs(Path.Combine(_out, "lm"), "ls", "--tasks", "mmstar"), flag, "--output_path", Path.Combine(_out, "lm")]);
        Assert.True(ok == 0, okError);
    }

    /// <summary>
    /// Folding lmms-eval's flags in must not rename a setting given our way: a bad <c>--batch-size</c> (or eval.yaml
    /// <c>batch_size</c>) was reported as "--batch_size", a flag the user never typed.
    /// </summary>
    [Fact]
    public async Task Should_name_the_batch_size_flag_or_file_the_user_gave()
    {
        var (code, _, error) = await Cli.RunAsync([.. Cli.ReplayArgs(_out, "bs", "--tasks", "mmstar"), "--batch-size", "2147483648"]);
        Assert.True(code == 2, error);
        Assert.Contains("--batch-size '2147483648' must be a whole number", error, StringComparison.Ordinal);

        var yaml = Path.Combine(_out, "eval.yaml");
        File.WriteAllText(yaml, "batch_size: 2147483648\n");
        var (fileCode, _, fileError) = await Cli.RunAsync("run", "--config", yaml, "--tasks-dir", Cli.Tasks, "--output", _out, "--model", "replay",
            "--model-args", $"responses={Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl")}", "--tasks", "mmstar");
        Assert.True(fileCode == 2, fileError);
        Assert.Contains($"{yaml}: 'batch_size' '2147483648' must be a whole number", fileError, StringComparison.Ordinal);
    }

    /// <summary>
    /// docs/LMMS-EVAL.md §1.12 lists <c>--reasoning_tags</c> among the lmms-eval spellings <c>run</c> accepts; it was an
    /// unrecognised argument (exit 2), and <c>resolved_cli_args.reasoning_tags</c> always said the default even when
    /// <c>--reasoning-tags none</c> had turned the stripping off.
    /// </summary>
    [Theory]
    [InlineData("--reasoning_tags")]
    [InlineData("--reasoning-tags")]
    public async Task Should_take_lmms_evals_reasoning_tags_flag_and_record_it_as_typed(string flag)
    {
        var output = Path.Combine(_out, "rt");
        var (code, _, error) = await Cli.RunAsync([.. Cli.ReplayArgs(output, "rt", "--tasks", "mmstar"), flag, "none", "--output_path", output]);
        Assert.True(code == 0, error);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "replay", "rt", "manifest.json")))!;
        Assert.Empty(manifest["config"]!["reasoning_tags"]!.AsArray());
        var results = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(output, "*_results.json").Single()))!;
        Assert.Equal("none", (string?)results["config"]!["resolved_cli_args"]!["reasoning_tags"]);
    }

    [Fact]
    public void Should_turn_the_forks_json_gen_kwargs_into_ours()
    {
        // LLaDA-V fork: json.loads, gen_steps copied to steps (docs/LLADAV-MODEL.md §7.1).
        Assert.Equal("temperature=0,remasking=low_confidence,steps=32,until=[\"\\n\"]",
            LmmsEvalFlags.GenKwargs("""{"temperature":0,"remasking":"low_confidence","gen_steps":32,"until":["\n"]}"""));
        Assert.Equal("gen_length=2,steps=2", LmmsEvalFlags.GenKwargs("gen_length=2,steps=2"));
    }

    [Theory]
    [InlineData("pretrained=GSAI-ML/LLaDA-V,conv_template=llava_llada,model_name=llava_llada", "GSAI-ML__LLaDA-V")]
    [InlineData("pretrained=/data/ckpt/org/llada-v,conv_template=llava_llada", "org__llada-v")]
    [InlineData("conv_template=llava_llada,model_name=llava_llada", "llava_llada")]
    public void Should_sanitise_the_model_name_as_lmms_eval_does(string modelArgs, string expected)
    {
        // evaluation_tracker._get_model_name (first prefix found, up to ','), utils.sanitize_model_name (last two parts, '/' → '__').
        Assert.Equal(expected, LmmsEvalFlags.SanitizedModelName(modelArgs));
    }
}
