namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>
/// The Llama-3 tokenizer against <c>tokenizers/llama3/expected-encodings.json</c>: ids and decoded text produced by two
/// independent JavaScript implementations of HF tokenizers (encode with add_special_tokens=false).
/// </summary>
public sealed class ExpectedEncodingsTests(Llama3TokenizerFixture fixture) : IClassFixture<Llama3TokenizerFixture>
{
    [Theory]
    [MemberData(nameof(Llama3TokenizerFixture.ExpectedEncodingIndices), MemberType = typeof(Llama3TokenizerFixture))]
    public void Encode_matches_the_reference_ids(int index)
    {
        var (text, ids, _) = Llama3TokenizerFixture.ExpectedEncodings[index];
        Assert.Equal(ids, fixture.Tokenizer.Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(Llama3TokenizerFixture.ExpectedEncodingIndices), MemberType = typeof(Llama3TokenizerFixture))]
    public void Decode_matches_the_reference_text(int index)
    {
        var (_, ids, decoded) = Llama3TokenizerFixture.ExpectedEncodings[index];
        Assert.Equal(decoded, fixture.Tokenizer.Decode(ids));
    }

    [Fact]
    public void All_cases_are_read()
    {
        // The file's own count: guards against a silently empty theory.
        Assert.True(Llama3TokenizerFixture.ExpectedEncodings.Count >= 100);
    }
}
