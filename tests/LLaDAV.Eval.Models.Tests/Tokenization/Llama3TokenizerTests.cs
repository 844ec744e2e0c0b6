using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>Properties of the real Llama-3 tokenizer files and of the two tiny checkpoints' tokenizers.</summary>
public sealed class Llama3TokenizerTests(Llama3TokenizerFixture fixture) : IClassFixture<Llama3TokenizerFixture>
{
    [Fact]
    public void Vocabulary_and_config_match_the_readme()
    {
        // testdata/README.md: 128,000 BPE tokens and 256 added special tokens.
        var tokenizer = fixture.Tokenizer;
        Assert.Equal(128_256, tokenizer.VocabSize);
        Assert.Equal(256, tokenizer.AddedTokens.Count);
        Assert.All(tokenizer.AddedTokens, t => Assert.True(t.Special));
        Assert.Equal("<|begin_of_text|>", tokenizer.Config.BosToken);
        Assert.Equal(128000, tokenizer.BosTokenId);
        Assert.Equal(128001, tokenizer.EosTokenId);
        Assert.True(tokenizer.Config.CleanUpTokenizationSpaces);
        Assert.NotNull(tokenizer.Config.ChatTemplate);
    }

    [Fact]
    public void Post_processor_ByteLevel_adds_no_bos()
    {
        // This tokenizer.json's post_processor is ByteLevel (offsets only), so add_special_tokens changes nothing.
        Assert.Equal(fixture.Tokenizer.Encode("Hello World", false), fixture.Tokenizer.Encode("Hello World", true));
    }

    [Fact]
    public void Skip_special_tokens_drops_headers_and_eot()
    {
        // expected-encodings.json case: "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        Assert.Equal("user\n\nHi", fixture.Tokenizer.Decode([128000, 128006, 882, 128007, 271, 13347, 128009], skipSpecialTokens: true));
    }

    [Fact]
    public void Invalid_utf8_decodes_to_replacement_characters()
    {
        // 9468 is the first three bytes of a 4-byte emoji (expected-encodings: "😀" = 9468, 222 ... ); alone they are invalid.
        Assert.Equal("\uFFFD", fixture.Tokenizer.Decode([9468]));
    }

    [Fact]
    public void Template_processing_adds_bos_only_for_the_llama3v_tiny_tokenizer()
    {
        // tiny-llama3v's post_processor is TemplateProcessing [<|begin_of_text|> (439), $A]; tiny-lladav's is ByteLevel.
        var llama = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-llama3v"));
        var llada = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-lladav"));
        Assert.Equal([439, .. llama.Encode("the", false)], llama.Encode("the", true));
        Assert.Equal(llada.Encode("the", false), llada.Encode("the", true));
        Assert.False(llada.Config.AddBosToken);
    }
}
