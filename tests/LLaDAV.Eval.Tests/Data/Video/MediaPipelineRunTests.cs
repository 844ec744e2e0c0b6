using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Demo;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// A Video-MME-shaped run (the sample: 6 questions, 3 on each of 2 videos) through the real lladav backend on the
/// random-weight demo checkpoint: each video is decoded once, and preparing media ahead of the model (prefetch) changes
/// no output byte.
/// </summary>
public sealed class MediaPipelineRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lladav-media-pipeline-" + Guid.NewGuid().ToString("N"));

    public MediaPipelineRunTests()
    {
        var sample = TestPaths.SampleSnapshot("videomme", "lmms-eval/Video-MME");
        var repo = Path.Combine(_root, "data", "lmms-eval", "Video-MME");
        Directory.CreateDirectory(Path.Combine(repo, "videomme"));
        Directory.CreateDirectory(Path.Combine(repo, "data"));
        File.Copy(Path.Combine(sample, "videomme", "test-00000-of-00001.jsonl"), Path.Combine(repo, "videomme", "test-00000-of-00001.jsonl"));
        File.Copy(Path.Combine(sample, "README.md"), Path.Combine(repo, "README.md"));
        foreach (var video in Directory.GetFiles(Path.Combine(sample, "data")))
        {
            File.Copy(video, Path.Combine(repo, "data", Path.GetFileName(video)));
        }

        Demo = DemoCheckpoint.Ensure(LlavaFamily.LladaV, Path.Combine(_root, "demo"));
    }

    private string Demo { get; }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(RunOutcome Outcome, RecordingFactory Factory)> Run(string id, int prefetch, int batchSize)
    {
        var factory = new RecordingFactory();
        var outcome = await new EvaluationRunner(TaskSamples.Catalog, new BackendRegistry([factory]), DatasetReaders.All, SilentObserver.Instance) { MediaPrefetchBatches = prefetch }
            .RunAsync(
                new RunRequest(
                    new RunConfig
                    {
                        Tasks = ["videomme"],
                        Model = "lladav",
                        ModelArgs = $"path={Demo},max_frames_num=4",
                        GenKwargs = "gen_length=4,steps=2,block_length=4",
                        DataDir = Path.Combine(_root, "data"),
                        BatchSize = batchSize,
                    },
                    Path.Combine(_root, "runs", id),
                    false,
                    TestPaths.RepoRoot),
                CancellationToken.None);
        return (outcome, factory);
    }

    [Fact]
    public async Task Each_video_is_decoded_once_and_prefetch_changes_no_output_byte()
    {
        var (inline, inlineFactory) = await Run("inline", prefetch: 0, batchSize: 1);
        var (ahead, aheadFactory) = await Run("ahead", prefetch: 2, batchSize: 2);

        // 6 questions on 2 videos: 2 decodes, 4 answered from the cache, prefetching or not (with prefetch, the
        // three questions of a video may ask for it at once and wait for one decode).
        foreach (var cache in new[] { inlineFactory.Backend!.Model.VideoFrames, aheadFactory.Backend!.Model.VideoFrames })
        {
            Assert.Equal(2, cache.Decodes);
            Assert.Equal(4, cache.Hits);
        }

        Assert.Equal(
            File.ReadAllBytes(Path.Combine(inline.RunDirectory, "samples_videomme.jsonl")),
            File.ReadAllBytes(Path.Combine(ahead.RunDirectory, "samples_videomme.jsonl")));
        Assert.Equal(inline.Results["results"]!.ToJsonString(), ahead.Results["results"]!.ToJsonString());

        // timing.json: the model's media wait is recorded and is a share of its time.
        foreach (var outcome in new[] { inline, ahead })
        {
            var share = (double)outcome.Timing["videomme"]!["media_wait_share"]!;
            Assert.InRange(share, 0, 1);
        }

        // Inline, the first request of each video waits for its decode: some wait is recorded.
        Assert.True((double)inline.Timing["videomme"]!["media_wait_seconds"]! > 0);
    }

    /// <summary>The real lladav backend factory, keeping the backend it created so the test can read its frame cache.</summary>
    private sealed class RecordingFactory : IModelBackendFactory
    {
        private readonly LladaVBackendFactory _inner = new();

        public LlavaBackend? Backend { get; private set; }

        public string Name => _inner.Name;

        public string Description => _inner.Description;

        public IReadOnlyCollection<string>? AcceptedArgs => _inner.AcceptedArgs;

        public bool MayUseSampleData(ModelArgs args) => _inner.MayUseSampleData(args);

        public void Validate(ModelArgs args) => _inner.Validate(args);

        public IModelBackend Create(ModelArgs args, BackendContext context)
        {
            Backend = (LlavaBackend)_inner.Create(args, context);
            return Backend;
        }
    }
}
