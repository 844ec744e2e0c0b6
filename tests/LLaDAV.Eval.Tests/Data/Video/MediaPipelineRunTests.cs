using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Demo;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

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
        VideommeDataDir.Create(Path.Combine(_root, "data"));
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

    private async Task<(RunOutcome Outcome, RecordingFactory Factory)> Run(string id, int prefetch, int batchSize, bool skipMissing = false)
    {
        var factory = new RecordingFactory();
        var outcome = await new EvaluationRunner(TaskSamples.Catalog, new BackendRegistry([factory]), DatasetReaders.All, SilentObserver.Instance)
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
                        SkipMissingMedia = skipMissing,
                        Settings = System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty.Add(RunSettingTable.MediaPrefetch.Key, prefetch),
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

    [Fact]
    public async Task A_missing_video_found_while_prefetching_is_reported_against_its_own_documents()
    {
        // docs 3-5 ask for lHCMKOxXIp4; with batch 2 the batch (2, 3) mixes a present and a missing video
        File.Delete(Path.Combine(_root, "data", "lmms-eval", "Video-MME", "data", "lHCMKOxXIp4.MP4"));
        var strict = await Assert.ThrowsAsync<Errors.MissingMediaException>(() => Run("strict", prefetch: 2, batchSize: 2));
        Assert.Contains("lHCMKOxXIp4", strict.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "runs", "strict", "samples_videomme.jsonl")));
        var journal = File.ReadAllLines(Path.Combine(_root, "runs", "strict", "journal", "videomme.jsonl"));
        Assert.Equal([0, 1], journal.Select(l => (int)System.Text.Json.Nodes.JsonNode.Parse(l)!["doc_id"]!));

        var (skip, _) = await Run("skip", prefetch: 2, batchSize: 2, skipMissing: true);
        var skipped = File.ReadAllLines(Path.Combine(skip.RunDirectory, "samples_videomme.jsonl"))
            .Where(l => l.Contains("\"status\":\"skipped\"", StringComparison.Ordinal))
            .Select(l => (int)System.Text.Json.Nodes.JsonNode.Parse(l)!["doc_id"]!);
        Assert.Equal([3, 4, 5], skipped.Order());
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
