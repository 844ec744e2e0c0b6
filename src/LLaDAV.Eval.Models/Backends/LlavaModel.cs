using System.Collections.Immutable;
using System.Diagnostics;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Video;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Models.Vision;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>Everything one generation produced, for backends, the <c>generate</c> verb and tests.</summary>
public sealed record GenerationOutput(
    string RenderedPrompt,
    ImmutableArray<int> PromptIds,
    ImmutableArray<int> GeneratedIds,
    string Text,
    TokenUsage Usage,
    TimeSpan Elapsed)
{
    /// <summary>True when sampling ended at a stop sequence / end-of-turn token, false when the answer filled its length.</summary>
    public bool Stopped { get; init; }
}

/// <summary>One request for <see cref="LlavaModel.GenerateBatch"/>: context, visuals, merged generation kwargs, per-document seed.</summary>
public sealed record GenerationInput(string Context, IReadOnlyList<VisualInput> Visuals, GenerationKwargs Kwargs, ulong Seed)
{
    /// <summary><see cref="Visuals"/> already decoded and preprocessed (<see cref="LlavaModel.PrepareMedia"/>); null: prepared here.</summary>
    public LlavaMedia? Media { get; init; }
}

/// <summary>
/// One request's visuals after the CPU half of the vision pipeline (LLADAV-MODEL.md §4): the anyres crops of a single
/// image, the padded squares of several, or a video's resized frames; what the tower encodes next.
/// </summary>
public sealed class LlavaMedia : PreparedMedia
{
    public static LlavaMedia None { get; } = new(0, null, null, null);

    private LlavaMedia(int placeholders, AnyResCrops? anyRes, CropBatch? squares, CropBatch? videoFrames)
    {
        Placeholders = placeholders;
        AnyRes = anyRes;
        Squares = squares;
        VideoFrames = videoFrames;
    }

    /// <summary>The <c>&lt;image&gt;</c> placeholders the prompt gets: one per image, one for a video.</summary>
    public int Placeholders { get; }

    internal AnyResCrops? AnyRes { get; }

    internal CropBatch? Squares { get; }

    internal CropBatch? VideoFrames { get; }

    internal static LlavaMedia ForAnyRes(AnyResCrops crops) => new(1, crops, null, null);

    internal static LlavaMedia ForSquares(CropBatch crops) => new(crops.Count, null, crops, null);

    internal static LlavaMedia ForVideo(CropBatch frames) => new(1, null, null, frames);
}

/// <summary>
/// A loaded LLaDA-V or LLaMA3-V checkpoint: tokenizer, vision stack (SigLIP + projector), language tower, and the
/// request path of lmms-eval's <c>llava_onevision(_llada)</c> model: render → <c>tokenizer_image_token</c> → encode
/// images → splice at −200 → sample → decode.
/// </summary>
public sealed class LlavaModel : IDisposable
{
    private readonly Checkpoint _checkpoint;

    private LlavaModel(Checkpoint checkpoint, IComputeBackend backend, HfTokenizer tokenizer, LanguageModel language, LlavaVisionStack? vision)
    {
        _checkpoint = checkpoint;
        Backend = backend;
        Tokenizer = tokenizer;
        Language = language;
        Vision = vision;
        Family = LlavaFamilies.FromModelType(checkpoint.Config.ModelType);
        Fingerprint = checkpoint.Fingerprint();
    }

    public LlavaFamily Family { get; }

    public IComputeBackend Backend { get; }

    public HfTokenizer Tokenizer { get; }

    public LanguageModel Language { get; }

    public LlavaVisionStack? Vision { get; }

    public string Fingerprint { get; }

    public string Directory => _checkpoint.Directory;

    /// <summary>Frames per video (lmms-eval model arg <c>max_frames_num</c>, default 32).</summary>
    public int MaxFrames { get; init; } = FrameSampling.DefaultFrameCount;

    /// <summary>Sampled video frames kept across the requests that share a video (one decode per video per run).</summary>
    public VideoFrameCache VideoFrames { get; init; } = new(VideoReader.Default, VideoFrameCache.DefaultMaxBytes);

    public static LlavaModel Open(string directory, IComputeBackend backend, int maxFrames = FrameSampling.DefaultFrameCount, long videoCacheBytes = VideoFrameCache.DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var checkpoint = Checkpoint.Open(directory);
        try
        {
            var tokenizer = HfTokenizer.Load(directory);
            var language = LanguageModel.Load(checkpoint, backend);
            var vision = checkpoint.Config.Multimodal is null
                ? null
                : LlavaVisionStack.Load(backend, LlavaVisionConfig.FromFile(Path.Combine(directory, "config.json")), new CheckpointVisionWeights(checkpoint, backend));
            return new LlavaModel(checkpoint, backend, tokenizer, language, vision) { MaxFrames = maxFrames, VideoFrames = new VideoFrameCache(VideoReader.Default, videoCacheBytes) };
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>The prompt ids (with −200 placeholders) and rendered text for a context with <paramref name="images"/> images.</summary>
    public (string Prompt, int[] Ids) RenderPrompt(string context, int images, GenerationSettings settings)
    {
        return PromptRendering.Render(Family, Tokenizer, context, images, settings);
    }

    public GenerationOutput Generate(string context, IReadOnlyList<VisualInput> visuals, GenerationKwargs kwargs, ulong seed) =>
        GenerateBatch([new GenerationInput(context, visuals, kwargs, seed)])[0];

    /// <summary>
    /// Generates for several requests at once: each is prepared alone (render, encode its visuals, splice), then all
    /// are sampled together, one batched forward per step (<see cref="DiffusionSampler.GenerateBatch"/>,
    /// <see cref="AutoregressiveSampler.GenerateBatch"/>). Outputs come back in input order and equal those of one
    /// request at a time (see <see cref="LanguageModel.Forward(IReadOnlyList{ForwardSegment})"/>); each output's
    /// <see cref="GenerationOutput.Elapsed"/> is its own preparation plus an equal share of the batch's sampling time.
    /// <paramref name="cancellationToken"/> is checked between requests' preparations and before every forward: a
    /// signalled run stops within one forward pass (not after the batch's whole answers) and gets no outputs.
    /// </summary>
    public IReadOnlyList<GenerationOutput> GenerateBatch(IReadOnlyList<GenerationInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var prepared = new List<PreparedRequest>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                prepared.Add(Prepare(input));
            }

            var clock = Stopwatch.StartNew();
            var sampled = Family == LlavaFamily.LladaV ? Diffuse(prepared, cancellationToken) : Decode(prepared, cancellationToken);
            var share = prepared.Count == 0 ? TimeSpan.Zero : clock.Elapsed / prepared.Count;
            return [.. prepared.Select((p, i) => new GenerationOutput(
                p.Prompt,
                p.Ids,
                sampled[i].Ids,
                sampled[i].Text,
                new TokenUsage(p.TextTokens, p.VisualTokens, sampled[i].Ids.Length, sampled[i].Forwards),
                p.Preparation + share) { Stopped = sampled[i].Stopped })];
        }
        finally
        {
            foreach (var p in prepared)
            {
                p.Dispose();
            }
        }
    }

    /// <summary>
    /// Decodes and preprocesses a request's visuals (images: anyres crops for one, padded squares for several; a video:
    /// its sampled frames, resized): CPU work only, no model state, so it may run on any thread ahead of the model.
    /// </summary>
    public LlavaMedia PrepareMedia(IReadOnlyList<VisualInput> visuals)
    {
        ArgumentNullException.ThrowIfNull(visuals);
        var images = visuals.OfType<ImageInput>().Select(i => i.Load()).ToList();
        var videos = visuals.OfType<VideoInput>().ToList();
        if (images.Count + videos.Count != visuals.Count || (videos.Count > 0 && (images.Count > 0 || videos.Count > 1)))
        {
            throw new NotSupportedException($"A request may hold images or one video; got {images.Count} image(s), {videos.Count} video(s) and {visuals.Count - images.Count - videos.Count} other input(s).");
        }

        if (visuals.Count == 0)
        {
            return LlavaMedia.None;
        }

        var vision = Vision ?? throw new NotSupportedException(videos.Count == 1
            ? $"The checkpoint in {Directory} has no vision tower, but the request has a video."
            : $"The checkpoint in {Directory} has no vision tower, but the request has {images.Count} image(s).");
        if (videos.Count == 1)
        {
            // §4.4: MaxFrames frames sampled uniformly (np.linspace), decoded once per video per run.
            return LlavaMedia.ForVideo(vision.Preprocessor.VideoFrames(VideoFrames.SampleUniform(videos[0].Path, MaxFrames)));
        }

        // §4: one image → anyres; several → "pad", 729 tokens each.
        return images.Count == 1 && vision.Config.AnyRes is { } settings
            ? LlavaMedia.ForAnyRes(vision.Preprocessor.AnyRes(images[0], settings))
            : LlavaMedia.ForSquares(vision.Preprocessor.PadToSquare(images));
    }

    private PreparedRequest Prepare(GenerationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clock = Stopwatch.StartNew();
        var settings = GenerationSettings.From(input.Kwargs, Family);
        var media = input.Media ?? PrepareMedia(input.Visuals);
        var (prompt, ids) = RenderPrompt(input.Context, media.Placeholders, settings);
        var features = Encode(media);
        try
        {
            var full = PromptEmbedder.Build(Language, ids, features);
            // LLaVA prepare_inputs_labels_for_multimodal: input embeddings are cut to tokenizer_model_max_length (§2.3).
            var limit = _checkpoint.Config.Multimodal?.TokenizerModelMaxLength ?? int.MaxValue;
            var embeds = full.RowCount > limit ? full.Rows(0, limit) : full;
            var visualTokens = features.Sum(f => f.RowCount);
            var textTokens = ids.Count(id => id != PromptEmbedder.ImagePlaceholderId);
            return new PreparedRequest(prompt, [.. ids], full, embeds, settings, input.Seed, textTokens, visualTokens, clock.Elapsed);
        }
        finally
        {
            foreach (var f in features)
            {
                f.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Vision?.Dispose();
        Language.Dispose();
        _checkpoint.Dispose();
    }

    private List<Tensor> Encode(LlavaMedia media)
    {
        if (media.Placeholders == 0)
        {
            return [];
        }

        var vision = Vision ?? throw new NotSupportedException($"The checkpoint in {Directory} has no vision tower, but the request has visuals.");
        return media switch
        {
            { VideoFrames: { } frames } => [vision.EncodeVideo(frames)],
            { AnyRes: { } crops } => [vision.EncodeImage(crops)],
            { Squares: { } squares } => [.. vision.EncodeImages(squares)],
            _ => [],
        };
    }

    private int Id(string token) => Tokenizer.TokenToId(token) ?? throw new InvalidOperationException($"The tokenizer in {Directory} has no token {token}.");

    private List<Sampled> Diffuse(List<PreparedRequest> requests, CancellationToken cancellationToken)
    {
        var mask = Language.Config.MaskTokenId ?? Id(LlavaFamilies.MaskToken);
        var denoisers = new List<LanguageDenoiser>(requests.Count);
        try
        {
            var jobs = new List<DiffusionJob>(requests.Count);
            foreach (var r in requests)
            {
                var s = r.Settings;
                var denoiser = new LanguageDenoiser(Language, r.Embeds, s.GenLength, mask, s.Cache != CacheMode.None, s.CfgScale > 0);
                denoisers.Add(denoiser);
                jobs.Add(new DiffusionJob(denoiser, DiffusionOptionsFor(s, mask), r.Seed));
            }

            var results = DiffusionSampler.GenerateBatch(jobs, LanguageDenoiser.ForwardBatch, cancellationToken);
            return [.. results.Select(x => new Sampled(x.Ids, DiffusionText(Tokenizer.Decode(x.Ids.AsSpan(), skipSpecialTokens: true)), x.ForwardPasses, x.Stopped))];
        }
        finally
        {
            foreach (var d in denoisers)
            {
                d.Dispose();
            }
        }
    }

    private DiffusionOptions DiffusionOptionsFor(GenerationSettings s, int mask)
    {
        // §6.2 step 7: stopping_criteria (task first, e.g. "\n" for ChartQA) then <|eot_id|>, each tokenized without specials.
        var stops = s.StoppingCriteria.Append(LlavaFamilies.EotToken).Distinct(StringComparer.Ordinal)
            .Select(t => Tokenizer.Encode(t, addSpecialTokens: false).ToImmutableArray())
            .Where(seq => seq.Length > 0)
            .ToImmutableArray();
        return new DiffusionOptions
        {
            GenLength = s.GenLength,
            Steps = s.Steps,
            BlockLength = s.BlockLength,
            MaskId = mask,
            Temperature = s.Temperature,
            CfgScale = s.CfgScale,
            Remasking = s.Remasking,
            ForbiddenIds = [.. LlavaFamilies.ForbiddenTokens.Select(t => Tokenizer.TokenToId(t)).OfType<int>()],
            StopSequences = stops,
            Cache = s.Cache,
            RefreshInterval = s.RefreshInterval,
            Threshold = s.Threshold,
            Factor = s.Factor,
        };
    }

    /// <summary>§6.2 (evaluator): drop one trailing ".", then strip.</summary>
    public static string DiffusionText(string decoded)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        return (decoded.EndsWith('.') ? decoded[..^1] : decoded).Trim();
    }

    private List<Sampled> Decode(List<PreparedRequest> requests, CancellationToken cancellationToken)
    {
        ImmutableArray<int> stops = [.. new[] { Tokenizer.TokenToId(LlavaFamilies.EotToken), Tokenizer.EosTokenId }.OfType<int>().Distinct()];
        var jobs = requests.Select(r => new AutoregressiveJob(r.Embeds, new AutoregressiveOptions(r.Settings.GenLength, r.Settings.Temperature, stops, UseCache: true), r.Seed)).ToList();
        return [.. AutoregressiveSampler.GenerateBatch(Language, jobs, cancellationToken).Select(result =>
        {
            var content = result.Stopped ? result.Ids[..^1] : result.Ids;
            return new Sampled(result.Ids, Tokenizer.Decode(content.AsSpan(), skipSpecialTokens: true).Trim(), result.ForwardPasses, result.Stopped);
        })];
    }

    private sealed record Sampled(ImmutableArray<int> Ids, string Text, int Forwards, bool Stopped);

    /// <summary>A request ready to sample: its rendered prompt, spliced embeddings (owned) and settings.</summary>
    private sealed record PreparedRequest(
        string Prompt,
        ImmutableArray<int> Ids,
        Tensor Full,
        Tensor Embeds,
        GenerationSettings Settings,
        ulong Seed,
        int TextTokens,
        int VisualTokens,
        TimeSpan Preparation) : IDisposable
    {
        public void Dispose() => Full.Dispose();
    }
}
