using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks.Framework;

/// <summary>Task YAML loading with lmms-eval's semantics (docs/LMMS-EVAL.md §1.2, §1.3) and its error contract.</summary>
public sealed class TaskYamlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-yaml-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Body = """
        dataset_path: org/name
        test_split: test
        doc_to_visual: image
        doc_to_text: question
        doc_to_target: answer
        metric_list:
          - metric: exact_match
            aggregation: mean
            higher_is_better: true
        """;

    [Fact]
    public void Should_load_the_shipped_catalog_with_mmmu_and_mmstar()
    {
        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());
        Assert.Contains("mmmu_val", catalog.Tasks.Keys);
        Assert.Contains("mmstar", catalog.Tasks.Keys);
        Assert.Equal(128L, catalog.Tasks["mmmu_val"].Spec.GenerationKwargs["max_new_tokens"]);
    }

    [Fact]
    public void Should_let_the_including_file_win_and_the_first_include_win_over_later_ones()
    {
        Write("_a", "generation_kwargs:\n  max_new_tokens: 1\nmetadata:\n  version: 1.0\n");
        Write("_b", "generation_kwargs:\n  max_new_tokens: 2\nmetadata:\n  version: 2.0\ntest_split: other\n");
        Write("t.yaml", $"task: t\ninclude: [_a, _b]\n{Body}\n");
        var task = TaskCatalog.Load(_dir, HookRegistry.CreateDefault()).Tasks["t"];
        Assert.Equal(1L, task.Spec.GenerationKwargs["max_new_tokens"]);
        Assert.Equal("1", task.Spec.Version);
        Assert.Equal("test", task.Spec.Split);

        // generation_kwargs present without 'until' → until = ["\n\n"] (TaskConfig.__post_init__).
        Assert.Equal(["\n\n"], (List<object?>)task.Spec.GenerationKwargs["until"]!);
    }

    [Fact]
    public void Should_default_generation_kwargs_when_absent()
    {
        Write("t.yaml", $"task: t\n{Body}\n");
        var kwargs = TaskCatalog.Load(_dir, HookRegistry.CreateDefault()).Tasks["t"].Spec.GenerationKwargs;
        Assert.Equal(false, kwargs["do_sample"]);
        Assert.Equal(["\n\n"], (List<object?>)kwargs["until"]!);
    }

    [Fact]
    public void Should_name_the_file_and_line_of_malformed_yaml()
    {
        var path = Write("bad.yaml", "task: t\nmetric_list: [unclosed\n");
        var e = OnlyBrokenFile();
        Assert.Contains(path, e, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_an_unknown_key_and_list_the_known_ones()
    {
        Write("t.yaml", $"task: t\ntest_splt: x\n{Body}\n");
        var e = OnlyBrokenFile();
        Assert.Contains("unknown key 'test_splt'", e, StringComparison.Ordinal);
        Assert.Contains("test_split", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_an_unknown_hook_and_list_the_known_ones()
    {
        Write("t.yaml", $"task: t\nprocess_results: !function mmmu.proces_results\n{Body}\n".Replace("doc_to_text: question", "doc_to_text: question", StringComparison.Ordinal));
        var e = OnlyBrokenFile();
        Assert.Contains("mmmu.proces_results", e, StringComparison.Ordinal);
        Assert.Contains("mmmu.process_results", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_metric_the_hook_does_not_return()
    {
        Write("t.yaml", $"task: t\nprocess_results: !function mmstar.process_results\n{Body.Replace("exact_match", "accuracy", StringComparison.Ordinal)}\n");
        var e = OnlyBrokenFile();
        Assert.Contains("'accuracy'", e, StringComparison.Ordinal);
        Assert.Contains("average", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_suggest_close_names_for_an_unknown_task()
    {
        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());
        var e = Assert.Throws<ConfigException>(() => catalog.Expand(["mmmu_vall"]));
        Assert.Contains("Did you mean: mmmu_val", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_resolve_specific_kwargs_as_lmms_eval_does()
    {
        static ImmutableSortedDictionary<string, object?> Map(params (string K, object? V)[] kv) =>
            kv.ToImmutableSortedDictionary(x => x.K, x => x.V, StringComparer.Ordinal);
        var specific = Map(("default", Map(("post_prompt", "D"))), ("lladav", Map(("post_prompt", "L"))), ("extra", "x"));

        // 1. The model's own key wins outright: only its sub-dict.
        var own = PromptKwargsResolver.Resolve(specific, "lladav");
        Assert.Equal("L", own.GetString("post_prompt"));
        Assert.False(own.Has("extra"));

        // 2. Otherwise the top-level dict updated with default's keys (other keys stay).
        var fallback = PromptKwargsResolver.Resolve(specific, "llama3v");
        Assert.Equal("D", fallback.GetString("post_prompt"));
        Assert.Equal("x", fallback.GetString("extra"));
    }

    /// <summary>A file that does not load is reported in <see cref="TaskCatalog.Broken"/>, not thrown (issue 14 §2).</summary>
    private string OnlyBrokenFile() => Assert.Single(TaskCatalog.Load(_dir, HookRegistry.CreateDefault()).Broken);
}
