using LLaDAV.Eval.Data;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>The whole tasks/ catalog loads, and the video-era tasks resolve with their task-bound hooks and samples.</summary>
public sealed class TaskCatalogTests
{
    [Fact]
    public void The_whole_tasks_catalog_loads()
    {
        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());

        Assert.Contains("seedbench", catalog.Tasks.Keys);
        Assert.Contains("mlvu_dev", catalog.Tasks.Keys);
        Assert.Contains("videomme", catalog.Tasks.Keys);
        Assert.Contains("mvbench", catalog.Groups.Keys);
    }

    [Theory]
    [InlineData("seedbench", "seedbench", new[] { "seed_image", "seed_video", "seed_all" })]
    [InlineData("mlvu_dev", "mlvu", new[] { "mlvu_percetion_score" })]
    [InlineData("videomme", "videomme", new[] { "videomme_perception_score" })]
    [InlineData("mvbench_action_antonym", "mvbench", new[] { "mvbench_accuracy" })]
    public void Each_task_has_its_metrics_a_sample_and_a_response_per_doc(string name, string family, string[] metrics)
    {
        var task = TaskSamples.Task(name);

        Assert.Equal(metrics, task.Spec.Metrics.Select(m => m.Name));
        Assert.All(metrics, m => Assert.NotNull(task.Aggregations[m]));
        var docs = TaskSamples.Docs(task);
        Assert.InRange(docs.Count, 3, 6);
        Assert.Equal(Path.Combine(TestPaths.RepoRoot, "tasks", family), task.Spec.Directory);
        Assert.Equal(Enumerable.Range(0, docs.Count), TaskSamples.Responses(name).Keys.Order());
    }

    [Fact]
    public void Every_sample_doc_of_the_video_tasks_resolves_its_video()
    {
        foreach (var task in TaskSamples.Catalog.Expand(["mlvu_dev", "videomme", "mvbench"]))
        {
            var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, "lladav");
            foreach (var doc in TaskSamples.Docs(task))
            {
                var video = Assert.IsType<VideoRef>(Assert.Single(task.DocToVisual(doc, kwargs)));
                Assert.True(File.Exists(video.Path) || Directory.Exists(video.Path), video.Path);
            }
        }
    }
}
