using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks.Groups;

/// <summary>The whole tasks/ folder loads (every YAML, include, hook and metric resolves) and holds this branch's tasks.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void Whole_tasks_catalog_loads_with_the_tasks_b_benchmarks()
    {
        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());
        foreach (var name in new[] { "ai2d", "chartqa", "docvqa_val", "infovqa_val", "realworldqa", "ocrbench", "muirbench" })
        {
            Assert.True(catalog.Tasks.ContainsKey(name), name);
        }

        Assert.Equal(["exact_match"], catalog.Tasks["ai2d"].Spec.Metrics.Select(m => m.Name));
        Assert.Equal(["flexible-extract"], catalog.Tasks["muirbench"].Spec.Filters.Select(f => f.Name));
        Assert.Equal(("lmms-lab/DocVQA", "InfographicVQA", "validation"), (catalog.Tasks["infovqa_val"].Spec.DatasetPath, catalog.Tasks["infovqa_val"].Spec.DatasetName, catalog.Tasks["infovqa_val"].Spec.Split));
    }
}
