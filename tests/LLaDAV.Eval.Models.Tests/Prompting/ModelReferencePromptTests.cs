using System.Text.Json;
using LLaDAV.Eval.Models.Prompting;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Prompting;

/// <summary>
/// Prompt text and ids against <c>model-reference/*/reference.json</c>, computed by an independent PyTorch
/// implementation of LLaVA's prompt path (template, <c>tokenizer_image_token</c> with its first-token quirk).
/// </summary>
public sealed class ModelReferencePromptTests
{
    // The task text of the reference prompts (MMStar-style question + post prompt), the input both references used.
    private const string Question = "What is shown in the image?\nAnswer with the option's letter from the given choices directly.";

    [Theory]
    [InlineData("tiny-lladav", LladaChatTemplate.TemplateName, ThinkMode.NoThink)]
    [InlineData("tiny-llama3v", Llama3ChatTemplate.TemplateName, ThinkMode.None)]
    public void Rendered_prompt_equals_the_reference_text(string checkpoint, string template, ThinkMode thinkMode)
    {
        var reference = Reference(checkpoint);
        var prompt = LlavaPrompt.Render(ChatTemplate.For(template), Question, placeholderCount: 1, thinkMode);
        Assert.Equal(reference.GetProperty("prompt_text").GetString(), prompt);
    }

    [Theory]
    [InlineData("tiny-lladav")]
    [InlineData("tiny-llama3v")]
    public void Spliced_ids_equal_the_reference_ids(string checkpoint)
    {
        var reference = Reference(checkpoint);
        var tokenizer = HfTokenizer.Load(TestPaths.InTestData("model-reference", checkpoint));
        var expected = reference.GetProperty("prompt_ids_with_image_placeholder").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ids = ImageTokenSplicer.Tokenize(tokenizer, reference.GetProperty("prompt_text").GetString()!);
        Assert.Equal(expected, ids);
        Assert.Equal(ImageTokenSplicer.ImageTokenIndex, reference.GetProperty("image_placeholder_id").GetInt32());
    }

    [Fact]
    public void Lladav_quirk_drops_the_newline_after_the_image()
    {
        // docs/LLADAV-MODEL.md §5.2: the LLaDA-V tokenizer adds no BOS, so "\n" after <image> disappears; the reference agrees.
        var tokenizer = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-lladav"));
        var newline = tokenizer.TokenToId("Ċ")!.Value;
        var ids = ImageTokenSplicer.Tokenize(tokenizer, LlavaPrompt.Render(LladaChatTemplate.Instance, Question, 1, ThinkMode.NoThink));
        var image = Array.IndexOf(ids, ImageTokenSplicer.ImageTokenIndex);
        Assert.NotEqual(newline, ids[image + 1]);
        Assert.Equal(tokenizer.Encode("What", addSpecialTokens: false)[0], ids[image + 1]);
    }

    [Fact]
    public void Llama3v_keeps_a_double_bos_and_the_newline()
    {
        // docs/LLADAV-MODEL.md §9: a tokenizer that adds BOS gives two BOS ids and keeps "\n" after <image>.
        var tokenizer = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-llama3v"));
        var bos = tokenizer.BosTokenId!.Value;
        var ids = ImageTokenSplicer.Tokenize(tokenizer, LlavaPrompt.Render(Llama3ChatTemplate.Instance, Question, 1, ThinkMode.None));
        Assert.Equal([bos, bos], ids[..2]);
        Assert.NotEqual(bos, ids[2]);
        var image = Array.IndexOf(ids, ImageTokenSplicer.ImageTokenIndex);
        Assert.Equal(tokenizer.TokenToId("Ċ"), ids[image + 1]);
    }

    [Fact]
    public void Multi_image_on_lladav_loses_the_space_chunk_and_the_newline()
    {
        // §5.2: for "<image> <image>\n…" the " " chunk becomes empty and the following "\n" is dropped.
        var tokenizer = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-lladav"));
        var prompt = LlavaPrompt.Render(LladaChatTemplate.Instance, "Compare them.", placeholderCount: 2, ThinkMode.NoThink);
        var ids = ImageTokenSplicer.Tokenize(tokenizer, prompt);
        var first = Array.IndexOf(ids, ImageTokenSplicer.ImageTokenIndex);
        Assert.Equal(ImageTokenSplicer.ImageTokenIndex, ids[first + 1]);
        var afterImages = tokenizer.Encode("\nCompare them. /no_think<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", addSpecialTokens: true);
        Assert.Equal(afterImages[1..], ids[(first + 2)..]);
    }

    private static JsonElement Reference(string checkpoint)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.InTestData("model-reference", checkpoint, "reference.json")));
        return doc.RootElement.Clone();
    }
}
