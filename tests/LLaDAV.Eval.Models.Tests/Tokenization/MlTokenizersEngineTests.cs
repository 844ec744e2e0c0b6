using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>
/// The tokenizer.json adapter on Microsoft.ML.Tokenizers' BpeTokenizer (<see cref="BpeEngine.MlTokenizers"/>) against
/// the same oracle as <see cref="ExpectedEncodingsTests"/> (ids from two independent JavaScript implementations of HF
/// tokenizers), and the tiny checkpoints' tokenizers against the default engine on their chat-template prompts.
/// </summary>
public sealed class MlTokenizersEngineTests
{
    private static readonly Lazy<HfTokenizer> s_llama3 = new(() => HfTokenizer.Load(Llama3TokenizerFixture.Directory, BpeEngine.MlTokenizers));

    [Theory]
    [MemberData(nameof(Llama3TokenizerFixture.ExpectedEncodingIndices), MemberType = typeof(Llama3TokenizerFixture))]
    public void Encode_matches_the_reference_ids(int index)
    {
        var (text, ids, _) = Llama3TokenizerFixture.ExpectedEncodings[index];
        Assert.Equal(ids, s_llama3.Value.Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [InlineData("tiny-lladav")]
    [InlineData("tiny-llama3v")]
    public void Tiny_checkpoint_tokenizers_agree_with_the_engine(string checkpoint)
    {
        var directory = TestPaths.InTestData("model-reference", checkpoint);
        var ml = HfTokenizer.Load(directory, BpeEngine.MlTokenizers);
        var ours = HfTokenizer.Load(directory);
        const string prompt = "<|start_header_id|>user<|end_header_id|>\n\n<image>\nWhat is shown in the image? Answer in 1234 words.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        var ids = ml.Encode(prompt, addSpecialTokens: true);
        Assert.NotEmpty(ids);
        Assert.Equal(ours.Encode(prompt, addSpecialTokens: true), ids);
    }
}
