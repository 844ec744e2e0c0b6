namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>Adds the special tokens of a single sequence when <c>add_special_tokens</c> is true (HF <c>PostProcessor</c>).</summary>
internal interface IPostProcessor
{
    void AddSpecialTokens(List<int> ids);
}

/// <summary>A post-processor that leaves ids alone (<c>ByteLevel</c>, which only trims offsets).</summary>
internal sealed class IdentityPostProcessor : IPostProcessor
{
    public void AddSpecialTokens(List<int> ids)
    {
    }
}

/// <summary><c>Sequence</c>: the post-processors in order.</summary>
internal sealed class SequencePostProcessor(IReadOnlyList<IPostProcessor> steps) : IPostProcessor
{
    public void AddSpecialTokens(List<int> ids)
    {
        foreach (var step in steps)
        {
            step.AddSpecialTokens(ids);
        }
    }
}

/// <summary>
/// <c>TemplateProcessing</c> for a single sequence (tokenizers/src/processors/template.rs): the <c>single</c> template's
/// pieces in order, each <c>SpecialToken</c> replaced by the ids listed for it under <c>special_tokens</c> and the
/// <c>Sequence</c> piece by the encoded text. <c>BertProcessing</c> and <c>RobertaProcessing</c> are the template
/// <c>[CLS] $A [SEP]</c> for one sequence.
/// </summary>
internal sealed class TemplatePostProcessor(IReadOnlyList<int[]?> pieces) : IPostProcessor
{
    /// <summary>Pieces of the template: ids of a special token, or null for the sequence itself.</summary>
    public IReadOnlyList<int[]?> Pieces => pieces;

    public void AddSpecialTokens(List<int> ids)
    {
        var sequence = ids.ToArray();
        ids.Clear();
        foreach (var piece in pieces)
        {
            ids.AddRange(piece ?? sequence);
        }
    }
}
