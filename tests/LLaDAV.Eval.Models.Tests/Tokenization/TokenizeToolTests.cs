using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>The logic behind <c>lladav-eval tokenize</c>; ids from expected-encodings.json and the tiny tokenizer.json.</summary>
public sealed class TokenizeToolTests
{
    [Fact]
    public void Json_output_matches_special_tokens_in_the_text()
    {
        // expected-encodings.json: "text <|eot_id|> more" → [1342, 220, 128009, 810]
        Assert.Equal("{\"ids\": [1342, 220, 128009, 810]}", TokenizeTool.Run(Llama3TokenizerFixture.Directory, "text <|eot_id|> more", addSpecialTokens: false, json: true));
    }

    [Fact]
    public void Plain_output_is_space_separated() =>
        Assert.Equal("9906 4435", TokenizeTool.Run(Llama3TokenizerFixture.Directory, "Hello World", addSpecialTokens: false, json: false));

    [Fact]
    public void Add_special_tokens_runs_the_post_processor()
    {
        // tiny-llama3v: TemplateProcessing puts <|begin_of_text|> = 439 first.
        var ids = TokenizeTool.Run(TestPaths.InTestData("model-reference", "tiny-llama3v"), "<|eot_id|>", addSpecialTokens: true, json: true);
        Assert.Equal("{\"ids\": [439, 443]}", ids);
    }

    [Fact]
    public void Empty_text_gives_an_empty_list() =>
        Assert.Equal("{\"ids\": []}", TokenizeTool.Run(Llama3TokenizerFixture.Directory, string.Empty, addSpecialTokens: false, json: true));
}
