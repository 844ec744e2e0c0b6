using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tests.Tasks;

public sealed class TaskCatalogLoadTests
{
    [Fact]
    public void Should_load_the_whole_tasks_catalog_with_every_part_A_task_and_group()
    {
        var catalog = TaskSamples.Catalog;
        foreach (var task in new[]
        {
            "mmmu_pro_standard", "mmmu_pro_vision", "mme", "mmbench_en_dev", "mmbench_en_dev_static", "mathverse_testmini_vision_only",
            "mathvista_testmini_format", "mathvista_testmini_cot", "mathvista_testmini_solution", "pope", "pope_adv", "pope_pop", "pope_random",
        })
        {
            Assert.True(catalog.Tasks.ContainsKey(task), task);
        }

        Assert.Equal(["mmmu_pro_vision", "mmmu_pro_standard"], catalog.Expand(["mmmu_pro"]).Select(t => t.Name));
        Assert.Equal(["mathvista_testmini_cot", "mathvista_testmini_solution", "mathvista_testmini_format"], catalog.Expand(["mathvista_testmini"]).Select(t => t.Name));
        Assert.Equal(["pope_adv", "pope_pop", "pope_random"], catalog.Expand(["pope_full"]).Select(t => t.Name));
    }

    [Theory]
    [InlineData("mmmu_pro_standard", 4)]
    [InlineData("mmmu_pro_vision", 5)]
    [InlineData("mme", 8)]
    [InlineData("mmbench_en_dev", 8)]
    [InlineData("mathverse_testmini_vision_only", 4)]
    [InlineData("mathvista_testmini_format", 7)]
    [InlineData("pope", 7)]
    [InlineData("pope_adv", 2)]
    [InlineData("pope_pop", 2)]
    [InlineData("pope_random", 3)]
    public void Should_ship_a_sample_with_a_response_per_doc_and_existing_images(string task, int count)
    {
        var docs = TaskSamples.Docs(task);
        Assert.Equal(count, docs.Count);
        Assert.Equal(count, TaskSamples.Responses(task).Count);
        var def = TaskSamples.Task(task);
        var kwargs = Eval.Tasks.PromptKwargsResolver.Resolve(def.Spec.SpecificKwargs, "replay");
        foreach (var doc in docs)
        {
            foreach (var visual in def.DocToVisual(doc, kwargs).OfType<Eval.Data.ImageRef>())
            {
                // HF Image semantics: bytes, when present, are the image; a path alone must exist beside the split.
                Assert.True(visual.Bytes is { Length: > 0 } || File.Exists(visual.Path), visual.ToString());
            }
        }
    }

    [Theory]
    [InlineData("mme", 2)]
    [InlineData("mathvista_testmini_cot", 96)]
    [InlineData("mathverse_testmini_vision_only", 64)]
    [InlineData("pope", 2)]
    [InlineData("mmbench_en_dev", 2)]
    [InlineData("mmmu_pro_vision", 2)]
    public void Should_give_lladav_the_paper_generation_lengths(string task, long genLength)
    {
        var kwargs = Eval.Tasks.PromptKwargsResolver.GenerationKwargs(TaskSamples.Task(task).Spec, "lladav");
        Assert.Equal(genLength, Convert.ToInt64(kwargs["gen_length"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(Eval.Tasks.PromptKwargsResolver.GenerationKwargs(TaskSamples.Task(task).Spec, "llama3v").ContainsKey("gen_length"));
    }

    [Fact]
    public void Should_register_every_part_A_hook_by_family_prefix()
    {
        var hooks = HookRegistry.CreateDefault();
        foreach (var name in new[] { "pope.process_results", "mme.process_results", "mmmu_pro.process_results", "mmbench.process_results", "mathvista.process_results", "mathverse.process_results" })
        {
            Assert.True(hooks.IsHookName(name), name);
        }
    }
}

public sealed class ScoringRulesTests
{
    /// <summary>
    /// The 2026-04-11 change (lmms-eval 9ca4445d) touched MMStar, RealWorldQA, MLVU and VideoMME only, so every part A
    /// task scores the same under --scoring 2025 as under current, except MathVista's float answers (upstream's
    /// <c>round(x, float precision)</c> quirk; MathvistaTests checks both rule sets by hand).
    /// </summary>
    [Theory]
    [InlineData("mmmu_pro_standard")]
    [InlineData("mmmu_pro_vision")]
    [InlineData("mme")]
    [InlineData("mmbench_en_dev")]
    [InlineData("mathverse_testmini_vision_only")]
    [InlineData("pope")]
    public void Should_score_the_same_under_the_legacy_2025_rules(string task)
    {
        var def = TaskSamples.Task(task);
        var docs = TaskSamples.Docs(task);
        var responses = TaskSamples.Responses(task);
        for (var i = 0; i < docs.Count; i++)
        {
            var current = TaskSamples.Context(task, i);
            var legacy = current with { Rules = Eval.Tasks.Hooks.ScoringRules.Legacy2025 };
            var a = def.ProcessResults(docs[i], responses[i].Trim(), current);
            var b = def.ProcessResults(docs[i], responses[i].Trim(), legacy);
            Assert.Equal(a.Extraction, b.Extraction);
            Assert.Equal(a.Metrics.Select(m => m.Key + "=" + m.Value?.ToJsonString()), b.Metrics.Select(m => m.Key + "=" + m.Value?.ToJsonString()));
        }
    }
}
