using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// VideoLocator on temporary folders laid out as the HF cache, a --data-dir and an embedded sample. Expected
/// paths are written out from the search rules (class summary of VideoLocator), not taken from a run.
/// </summary>
public sealed class VideoLocatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lladav-videolocator-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Touch(params string[] parts)
    {
        var path = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    private string Dir(params string[] parts) => Directory.CreateDirectory(Path.Combine([_root, .. parts])).FullName;

    private Doc DocIn(params string[] folder)
    {
        var dir = Dir(folder);
        return new Doc(new Dictionary<string, object?> { ["videoID"] = "abc" }, dir, Path.Combine(dir, "test-00000-of-00001.parquet"));
    }

    private string TaskFile => Path.Combine(_root, "tasks", "videomme", "videomme.yaml");

    [Fact]
    public void Finds_the_video_beside_the_snapshot_under_data_dir_first()
    {
        var beside = Touch("data", "lmms-eval", "Video-MME", "data", "abc.mp4");
        Touch("data", "videomme", "data", "abc.mp4");
        var doc = DocIn("data", "lmms-eval", "Video-MME", "videomme");

        var found = new VideoLocator(Path.Combine(_root, "hf")).Locate(doc, Spec(TaskFile, "lmms-eval/Video-MME", "videomme"), [Path.Combine("data", "abc.mp4")]);

        Assert.Equal(beside, found.Path);
        Assert.Equal([beside], found.SearchedPaths);
    }

    [Fact]
    public void Falls_back_to_data_dir_cache_dir_then_hf_home_cache_dir_in_that_order()
    {
        var hfHome = Path.Combine(_root, "hf");
        var inHf = Touch("hf", "videomme", "data", "abc.MP4");
        var doc = DocIn("data", "lmms-lab", "Video-MME", "videomme");
        var spec = Spec(TaskFile, "lmms-eval/Video-MME", "videomme");

        var found = new VideoLocator(hfHome).Locate(doc, spec, [Path.Combine("data", "abc.mp4"), Path.Combine("data", "abc.MP4")]);

        // Roots: snapshot data/lmms-lab/Video-MME (an org alias of lmms-eval), then data/videomme, then hf/videomme;
        // within each root the family's order (.mp4 before .MP4).
        var snapshot = Path.Combine(_root, "data", "lmms-lab", "Video-MME");
        Assert.Equal(inHf, found.Path);
        Assert.Equal(
            [
                Path.Combine(snapshot, "data", "abc.mp4"), Path.Combine(snapshot, "data", "abc.MP4"),
                Path.Combine(_root, "data", "videomme", "data", "abc.mp4"), Path.Combine(_root, "data", "videomme", "data", "abc.MP4"),
                Path.Combine(hfHome, "videomme", "data", "abc.mp4"), inHf,
            ],
            found.SearchedPaths);
    }

    [Fact]
    public void Finds_videos_in_a_sibling_snapshot_of_the_hf_cache_repository()
    {
        // MVBench: the json lives in one revision's snapshot, the videos in revision "video" (another snapshot).
        var hub = Path.Combine("hf", "hub", "datasets--OpenGVLab--MVBench", "snapshots");
        var video = Touch(hub, "b-video-rev", "clevrer", "video_validation", "video_1.mp4");
        var doc = DocIn(hub, "a-main-rev", "json");

        var found = new VideoLocator(Path.Combine(_root, "hf")).Locate(doc, Spec(TaskFile, "OpenGVLab/MVBench", "mvbench_video"), [Path.Combine("clevrer", "video_validation", "video_1.mp4")]);

        Assert.Equal(video, found.Path);
        Assert.Equal(Path.Combine(_root, hub, "a-main-rev", "clevrer", "video_validation", "video_1.mp4"), found.SearchedPaths[0]);
    }

    [Fact]
    public void A_folder_of_frames_counts_as_found()
    {
        var frames = Dir("data", "OpenGVLab", "MVBench", "tvqa", "video_fps3_hq_segment", "s01e02_seg02_clip_10");
        var doc = DocIn("data", "OpenGVLab", "MVBench", "episodic_reasoning");

        var found = new VideoLocator(null).Locate(doc, Spec(TaskFile, "OpenGVLab/MVBench", "mvbench_video"), [Path.Combine("tvqa", "video_fps3_hq_segment", "s01e02_seg02_clip_10")]);

        Assert.Equal(frames, found.Path);
    }

    [Fact]
    public void The_embedded_sample_only_searches_itself()
    {
        var hfHome = Path.Combine(_root, "hf");
        Touch("hf", "videomme", "data", "abc.mp4");
        var doc = DocIn("tasks", "videomme", "sample", "lmms-eval", "Video-MME", "videomme");
        var spec = Spec(TaskFile, "lmms-eval/Video-MME", "videomme");

        var error = Assert.Throws<MissingMediaException>(() => new VideoLocator(hfHome).Locate(doc, spec, [Path.Combine("data", "abc.mp4")]));

        Assert.Equal([Path.Combine(_root, "tasks", "videomme", "sample", "lmms-eval", "Video-MME", "data", "abc.mp4")], error.SearchedPaths);
    }

    [Fact]
    public void A_missing_video_is_a_data_error_naming_every_path_and_the_skip_flag()
    {
        var hfHome = Path.Combine(_root, "hf");
        var doc = DocIn("data", "sy1998", "MLVU_dev", "mlvu");
        var spec = Spec(TaskFile, "sy1998/MLVU_dev", "mlvu");

        var error = Assert.Throws<MissingMediaException>(() => new VideoLocator(hfHome).Locate(doc, spec, ["x.mp4", Path.Combine("video", "x.mp4")]));

        string[] expected =
        [
            Path.Combine(_root, "data", "sy1998", "MLVU_dev", "x.mp4"), Path.Combine(_root, "data", "sy1998", "MLVU_dev", "video", "x.mp4"),
            Path.Combine(_root, "data", "mlvu", "x.mp4"), Path.Combine(_root, "data", "mlvu", "video", "x.mp4"),
            Path.Combine(hfHome, "mlvu", "x.mp4"), Path.Combine(hfHome, "mlvu", "video", "x.mp4"),
        ];
        Assert.Equal(expected, error.SearchedPaths);
        Assert.IsAssignableFrom<DataException>(error);
        Assert.Equal(3, error.ExitCode);
        Assert.All(expected, p => Assert.Contains(p, error.Message, StringComparison.Ordinal));
        Assert.Contains("--skip-missing-media", error.Message, StringComparison.Ordinal);
        Assert.Contains("$HF_HOME/mlvu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cache_dir_or_hf_home_only_the_snapshot_is_searched()
    {
        var doc = DocIn("data", "sy1998", "MLVU_dev", "mlvu");

        var error = Assert.Throws<MissingMediaException>(() => new VideoLocator(null).Locate(doc, Spec(TaskFile, "sy1998/MLVU_dev", null), ["x.mp4"]));

        Assert.Equal([Path.Combine(_root, "data", "sy1998", "MLVU_dev", "x.mp4")], error.SearchedPaths);
    }

    [Theory]
    [InlineData("lmms-lab/Video-MME", new[] { "d", "lmms-eval", "Video-MME", "videomme" }, new[] { "d", "lmms-eval", "Video-MME" })]
    [InlineData("OpenGVLab/MVBench", new[] { "d", "OpenGVLab", "MVBench", "moving_count" }, new[] { "d", "OpenGVLab", "MVBench" })]
    [InlineData("OpenGVLab/MVBench", new[] { "hub", "datasets--OpenGVLab--MVBench", "snapshots", "r1", "json" }, new[] { "hub", "datasets--OpenGVLab--MVBench", "snapshots", "r1" })]
    [InlineData("sy1998/MLVU_dev", new[] { "elsewhere", "split" }, new[] { "elsewhere", "split" })]
    public void Snapshot_root_is_the_repository_folder_above_the_split(string datasetPath, string[] source, string[] expected)
    {
        Assert.Equal(Path.Combine([_root, .. expected]), VideoLocator.SnapshotRoot(Path.Combine([_root, .. source]), datasetPath));
    }

    /// <summary>A video task's spec with only what <see cref="VideoLocator"/> reads: its file, dataset and cache_dir.</summary>
    private static TaskSpec Spec(string sourceFile, string datasetPath, string? cacheDir) => new()
    {
        Name = "video_test",
        SourceFile = sourceFile,
        DatasetPath = datasetPath,
        Split = "test",
        DocToVisual = "v",
        DocToText = "t",
        DocToTarget = "answer",
        DatasetKwargs = cacheDir is null
            ? System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty
            : System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty.Add("cache_dir", cacheDir),
    };
}
