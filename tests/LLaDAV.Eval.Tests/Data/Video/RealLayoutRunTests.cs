using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// MVBench laid out as the real repository and lmms-eval's cache: <c>--data-dir/OpenGVLab/MVBench/json/&lt;config&gt;.json</c>
/// (a JSON array) and the videos in <c>--data-dir/mvbench_video/</c> (cache_dir), one of them only in the
/// re-released data0613 folder.
/// </summary>
public sealed class RealLayoutRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lladav-real-layout-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Copy(string sampleRelative, params string[] target)
    {
        var sample = Path.Combine(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "video"), sampleRelative);
        var path = Path.Combine([_root, .. target]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(sample, path);
        return path;
    }

    // json/moving_count.json holds the sample's three rows (gold A, B, C) as one array; the backend answers "A":
    // 1 of 3 → 100/3.
    [Fact]
    public async Task Mvbench_reads_json_config_files_and_finds_videos_in_the_cache_dir()
    {
        // A --data-dir copy of the `video` revision: its card maps config moving_count to json/moving_count.json.
        Copy(Path.Combine("json", "moving_count.json"), "data", "OpenGVLab", "MVBench", "json", "moving_count.json");
        Copy("README.md", "data", "OpenGVLab", "MVBench", "README.md");
        var first = Copy(Path.Combine("clevrer", "video_validation", "video_10009.mp4"), "data", "mvbench_video", "clevrer", "video_validation", "video_10009.mp4");
        var second = Copy(Path.Combine("data0613", "clevrer", "video_validation", "video_10020.mp4"), "data", "mvbench_video", "data0613", "clevrer", "video_validation", "video_10020.mp4");
        var touch = new VisualTouchingFactory();

        var outcome = await new EvaluationRunner(TaskSamples.Catalog, new BackendRegistry([touch]), DatasetReaders.All, SilentObserver.Instance).RunAsync(
            new RunRequest(
                new RunConfig { Tasks = ["mvbench_moving_count"], Model = "touch", DataDir = Path.Combine(_root, "data") },
                Path.Combine(_root, "run"),
                false,
                TestPaths.RepoRoot),
            CancellationToken.None);

        Assert.Equal(100.0 / 3, (double)outcome.Results["results"]!["mvbench_moving_count"]!["mvbench_accuracy,none"]!, 12);
        Assert.Equal([first, first, second], touch.VideoPaths);
    }
}
