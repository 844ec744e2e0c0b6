using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Sampling;

/// <summary>
/// <see cref="IMaskedDenoiser"/> over a bidirectional <see cref="LanguageModel"/>: the sequence lives on the device as
/// embeddings <c>[prompt ‖ E[MASK] × gen_length]</c> (§6.2 <c>x_embeds</c>), so image features spliced into the prompt
/// stay untouched; committing a token overwrites one row. Buffers (sequence, cache, logits) are allocated once.
/// </summary>
public sealed class LanguageDenoiser : IMaskedDenoiser, IDisposable
{
    private readonly LanguageModel _model;
    private readonly Tensor _x;
    private readonly Tensor? _unconditional;
    private readonly Tensor _logits;
    private readonly Tensor? _unconditionalLogits;
    private readonly Tensor _id;
    private readonly KvCache? _cache;
    private readonly int _length;

    public LanguageDenoiser(LanguageModel model, Tensor promptEmbeds, int genLength, int maskId, bool useCache, bool classifierFree = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptEmbeds);
        _model = model;
        var backend = model.Backend;
        PromptLength = promptEmbeds.RowCount;
        _length = PromptLength + genLength;
        var hidden = model.Config.HiddenSize;
        _x = backend.Allocate(new TensorShape(_length, hidden));
        backend.Copy(promptEmbeds, _x.Rows(0, PromptLength));
        var masks = Enumerable.Repeat(maskId, Math.Max(genLength, classifierFree ? PromptLength : 0)).ToArray();
        model.Embed(masks.AsSpan(0, genLength), _x.Rows(PromptLength, genLength));
        if (classifierFree)
        {
            // LLaDA generate.py: un_x = x with every prompt position set to [MASK].
            _unconditional = backend.Allocate(new TensorShape(_length, hidden));
            backend.Copy(_x, _unconditional);
            model.Embed(masks.AsSpan(0, PromptLength), _unconditional.Rows(0, PromptLength));
        }

        _logits = backend.Allocate(new TensorShape(genLength, model.Config.VocabSize));
        _unconditionalLogits = classifierFree ? backend.Allocate(new TensorShape(genLength, model.Config.VocabSize)) : null;
        _id = backend.Allocate(new TensorShape(1), DType.I32);
        _cache = useCache ? model.CreateCache(_length) : null;
    }

    public int PromptLength { get; }

    public int VocabSize => _model.Config.VocabSize;

    public void Commit(int position, int id)
    {
        _model.Backend.Write(_id, [id]);
        _model.Embed(_id, _x.Rows(position, 1));
        if (_unconditional is not null)
        {
            _model.Embed(_id, _unconditional.Rows(position, 1));
        }
    }

    public void Forward(DenoiserCall call, Span<float> logits)
    {
        var segment = Segment(call);
        _model.Forward([segment]);
        _model.Backend.Download(segment.Logits, logits);
    }

    public void ForwardScores(DenoiserCall call, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence)
    {
        var segment = Segment(call);
        _model.Forward([segment]);
        _model.Backend.ScoreRows(segment.Logits, forbidden, ids, confidence);
    }

    /// <summary>
    /// <see cref="DenoiserBatchForward"/> for denoisers over one <see cref="LanguageModel"/>: every call of the round
    /// becomes a segment of a single batched forward (LanguageModel.Forward(segments)).
    /// </summary>
    public static void ForwardBatch(IReadOnlyList<DenoiserWork> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Count == 0)
        {
            return;
        }

        var denoisers = work.Select(w => w.Denoiser as LanguageDenoiser ?? throw new ArgumentException($"ForwardBatch batches {nameof(LanguageDenoiser)}s only, not {w.Denoiser.GetType().Name}.", nameof(work))).ToList();
        var model = denoisers[0]._model;
        if (denoisers.Any(d => d._model != model))
        {
            throw new ArgumentException("A batched forward runs denoisers of one language model.", nameof(work));
        }

        var segments = work.Select((w, i) => denoisers[i].Segment(w.Call)).ToList();
        model.Forward(segments);
        for (var i = 0; i < work.Count; i++)
        {
            if (work[i].Scores is { } scores)
            {
                model.Backend.ScoreRows(segments[i].Logits, scores.Forbidden.AsSpan(), scores.Ids.Span, scores.Confidence.Span);
            }
            else
            {
                model.Backend.Download(segments[i].Logits, work[i].Logits.Span);
            }
        }
    }

    /// <summary>The forward segment of one call: which rows of the sequence go in, against which cache, and where logits land.</summary>
    private ForwardSegment Segment(DenoiserCall call)
    {
        var rows = call.LogitTo - call.LogitFrom;
        var x = call.Unconditional ? _unconditional ?? throw new InvalidOperationException("This denoiser was built without the CFG branch.") : _x;
        var view = (call.Unconditional ? _unconditionalLogits! : _logits).Rows(0, rows);
        return call.Pass switch
        {
            DenoiserPass.Full => new ForwardSegment(x, ForwardWindow.Full, call.LogitFrom, view),
            DenoiserPass.Refresh => new ForwardSegment(x, new ForwardWindow(0, Cache(), _length), call.LogitFrom, view),
            DenoiserPass.Window => new ForwardSegment(
                x.Rows(call.WindowStart, call.WindowEnd - call.WindowStart), new ForwardWindow(call.WindowStart, Cache(), _length), call.LogitFrom - call.WindowStart, view),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call.Pass, "Unknown pass."),
        };
    }

    public void Dispose()
    {
        _x.Dispose();
        _unconditional?.Dispose();
        _logits.Dispose();
        _unconditionalLogits?.Dispose();
        _id.Dispose();
        _cache?.Dispose();
    }

    private KvCache Cache() => _cache ?? throw new InvalidOperationException("This denoiser was built without a K/V cache.");
}
