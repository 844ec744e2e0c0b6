using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// A --data-dir copy of the Video-MME sample with one of its two videos missing, run through the runner with a
/// backend that resolves its visuals (as lladav/llama3v do) and always answers "A".
/// </summary>
public sealed class MissingMediaRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lladav-missing-media-" + Guid.NewGuid().ToString("N"));

    public MissingMediaRunTests()
    {
        // only fFjv93ACGo8 (docs 0-2): lHCMKOxXIp4 (docs 3-5) is missing
        VideommeDataDir.Create(Path.Combine(_root, "data"), "fFjv93ACGo8.mp4");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task<RunOutcome> Run(bool skip, string id) =>
        new EvaluationRunner(TaskSamples.Catalog, new BackendRegistry([new VisualTouchingFactory()]), DatasetReaders.All, SilentObserver.Instance)
            .RunAsync(
                new RunRequest(
                    new RunConfig { Tasks = ["videomme"], Model = "touch", DataDir = Path.Combine(_root, "data"), SkipMissingMedia = skip },
                    Path.Combine(_root, "runs", id),
                    false,
                    TestPaths.RepoRoot),
                CancellationToken.None);

    [Fact]
    public async Task Without_the_flag_a_missing_video_stops_the_run_naming_the_paths()
    {
        var error = await Assert.ThrowsAsync<MissingMediaException>(() => Run(skip: false, "strict"));

        Assert.Contains(Path.Combine(_root, "data", "lmms-eval", "Video-MME", "data", "lHCMKOxXIp4.mp4"), error.SearchedPaths);
        Assert.Contains(Path.Combine(_root, "data", "videomme", "data", "lHCMKOxXIp4.mkv"), error.SearchedPaths);
    }

    // With --skip-missing-media docs 3-5 (video lHCMKOxXIp4) are skipped; docs 0-2 (answers A, C, B) get "A":
    // 1 correct of 3 scored → 100/3.
    [Fact]
    public async Task With_the_flag_samples_of_the_missing_video_are_skipped_and_left_out_of_the_score()
    {
        var outcome = await Run(skip: true, "skip");

        Assert.Equal(100.0 / 3, (double)outcome.Results["results"]!["videomme"]!["videomme_perception_score,none"]!, 12);
        var samples = File.ReadAllLines(Path.Combine(outcome.RunDirectory, "samples_videomme.jsonl"));
        Assert.Equal(3, samples.Count(l => l.Contains("\"status\":\"skipped\"", StringComparison.Ordinal)));
    }
}
