using System.Collections.Immutable;

namespace LLaDAV.Eval.Models.Language;

/// <summary>One position of a probe: the argmax and the five largest logits (id, value), descending.</summary>
public sealed record ForwardProbeRow(int Position, int Argmax, ImmutableArray<(int Id, float Logit)> Top5);

/// <summary>The <c>forward</c> verb's logic: one full forward over token ids, summarised per position.</summary>
public static class ForwardProbe
{
    public static ImmutableArray<ForwardProbeRow> Run(LanguageModel model, IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        var logits = model.ForwardIds([.. ids]);
        var vocab = model.Config.VocabSize;
        return [.. Enumerable.Range(0, ids.Count).Select(p =>
        {
            var row = logits.AsSpan(p * vocab, vocab).ToArray();
            // stable: equal logits keep the lower id first, as torch.topk/argmax report them
            var top = row.Select((v, i) => (Id: i, Logit: v)).OrderByDescending(t => t.Logit).Take(5).ToImmutableArray();
            return new ForwardProbeRow(p, top[0].Id, top);
        })];
    }
}
