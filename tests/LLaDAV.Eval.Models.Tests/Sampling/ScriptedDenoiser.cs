using LLaDAV.Eval.Models.Sampling;

namespace LLaDAV.Eval.Models.Tests.Sampling;

/// <summary>Hand-built logits per generated position (fixed across steps), recording every forward and commit.</summary>
internal sealed class ScriptedDenoiser(int promptLength, int vocab, Func<int, bool, float[]> row) : IMaskedDenoiser
{
    public List<DenoiserCall> Calls { get; } = [];

    public List<(int Position, int Id)> Commits { get; } = [];

    /// <summary>How many calls asked for greedy scores (<see cref="IMaskedDenoiser.ForwardScores"/>) instead of logits.</summary>
    public int ScoredCalls { get; private set; }

    public int PromptLength => promptLength;

    public int VocabSize => vocab;

    /// <summary>A row with one peak of height h at id; the softmax confidence is e^h / (e^h + vocab − 1).</summary>
    public static float[] Peak(int vocab, int id, float h)
    {
        var r = new float[vocab];
        r[id] = h;
        return r;
    }

    public void Commit(int position, int id) => Commits.Add((position, id));

    public void ForwardScores(DenoiserCall call, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence)
    {
        ScoredCalls++;
        IMaskedDenoiser.ScoreOnHost(this, call, forbidden, ids, confidence);
    }

    public void Forward(DenoiserCall call, Span<float> logits)
    {
        Calls.Add(call);
        for (var pos = call.LogitFrom; pos < call.LogitTo; pos++)
        {
            row(pos - promptLength, call.Unconditional).CopyTo(logits.Slice((pos - call.LogitFrom) * vocab, vocab));
        }
    }
}
