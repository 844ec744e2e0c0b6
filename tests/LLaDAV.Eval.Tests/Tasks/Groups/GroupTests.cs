using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tasks.Yaml;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Tasks.Groups;

/// <summary>
/// tasks/groups: paper_table2, paper_table3 and lladav_paper name exactly the benchmarks of the LLaDA-V paper (arXiv:2505.16933) Tables 2/3 and
/// issue 4. Members another branch adds are only required once a task YAML defines them, so this test holds on a
/// branch that has not merged them yet; once every member exists the whole catalog must expand the groups.
/// </summary>
public sealed class GroupTests
{
    private static readonly string[] s_table2 =
        ["mmmu_val", "mmmu_pro_standard", "mmmu_pro_vision", "mmstar", "mme", "seedbench", "mmbench_en_dev", "mathverse_testmini_vision_only", "mathvista_testmini"];

    private static readonly string[] s_table3 =
        ["ai2d", "chartqa", "docvqa_val", "infovqa_val", "realworldqa", "seedbench", "muirbench", "mlvu_dev", "videomme"];

    private static readonly string[] s_tasksB = ["ai2d", "chartqa", "docvqa_val", "infovqa_val", "realworldqa", "ocrbench", "muirbench"];

    private static string GroupsDir => Path.Combine(TestPaths.RepoRoot, "tasks", "groups");

    [Theory]
    [InlineData("paper_table2")]
    [InlineData("paper_table3")]
    [InlineData("lladav_paper")]
    public void Group_file_lists_the_papers_benchmarks(string name)
    {
        var file = Path.Combine(GroupsDir, name + ".yaml");
        Assert.True(File.Exists(file), $"{file} is missing: the paper's groups ship with the tasks");

        var map = TaskYamlLoader.LoadResolved(file);
        Assert.True(TaskYamlLoader.IsGroup(map));
        var group = TaskYamlLoader.ToGroup(map, file);
        Assert.Equal(name, group.Name);
        string[] expected = name switch
        {
            "paper_table2" => s_table2,
            "paper_table3" => s_table3,
            _ => ["paper_table2", "paper_table3", "pope", "ocrbench", "mvbench"],
        };
        Assert.Equal(expected, group.Members);
    }

    [Fact]
    public void Groups_expand_to_every_benchmark_once()
    {
        var defined = DefinedNames();
        Assert.All(s_tasksB, t => Assert.Contains(t, defined));
        Assert.All(s_table2.Concat(s_table3).Concat(["pope", "mvbench"]).Distinct(), t => Assert.Contains(t, defined));

        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());
        var all = catalog.Expand(["lladav_paper"]).Select(t => t.Name).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(s_tasksB, t => Assert.Contains(t, all));
        Assert.Contains("mmmu_val", all);
        Assert.Contains("videomme", all);
        Assert.Equal(
            catalog.Expand(["paper_table3"]).Select(t => t.Name).Where(s_tasksB.Contains),
            ["ai2d", "chartqa", "docvqa_val", "infovqa_val", "realworldqa", "muirbench"]);
    }

    /// <summary>Task and group names the task YAML files define (without resolving hooks or groups).</summary>
    private static HashSet<string> DefinedNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tasksDir = Path.Combine(TestPaths.RepoRoot, "tasks");
        foreach (var file in Directory.EnumerateFiles(tasksDir, "*.yaml", SearchOption.AllDirectories)
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("sample")))
        {
            var map = TaskYamlLoader.LoadResolved(file);
            if (TaskYamlLoader.IsGroup(map))
            {
                names.Add((string)map["group"]!);
            }
            else if (map.GetValueOrDefault("task") is string task)
            {
                names.Add(task);
            }

            foreach (var key in new[] { "tag", "group" })
            {
                if (!TaskYamlLoader.IsGroup(map) && map.GetValueOrDefault(key) is string tag)
                {
                    names.Add(tag);
                }
            }
        }

        return names;
    }
}
