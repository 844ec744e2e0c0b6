using LLaDAV.Eval.Cli.Serving;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Prompting;

namespace LLaDAV.Eval.Cli.Tests.Serving;

/// <summary>
/// The request → prompt mapping (README "Serving"), by hand from the LLaVA wrapper's two branches (LMMS-EVAL.md §3.1
/// step 4): images first then text is an ordinary evaluation request (the backend prepends "&lt;image&gt; ..\n");
/// interleaved parts put "&lt;image&gt;" where each image stands, LLaVA's interleaved prompt used as it is.
/// </summary>
public sealed class ChatPromptMappingTests
{
    private static readonly RgbImage s_image = new(1, 1, new byte[3]);

    [Fact]
    public void Should_give_images_first_then_text_as_the_tasks_context_with_the_images_as_visuals()
    {
        var (context, images) = ChatRequest.Prompt([new ImagePart(s_image), new ImagePart(s_image), new TextPart("Which is larger?\nAnswer with the option's letter.")]);
        Assert.Equal("Which is larger?\nAnswer with the option's letter.", context);
        Assert.Equal(2, images.Length);
        // ... which the backend renders exactly as an evaluation request with two images.
        Assert.Equal("<image> <image>\nWhich is larger?\nAnswer with the option's letter.", LlavaPrompt.UserMessage(context, images.Length, ThinkMode.None));
    }

    [Fact]
    public void Should_put_a_placeholder_where_each_interleaved_image_stands()
    {
        var (context, images) = ChatRequest.Prompt([new TextPart("Compare "), new ImagePart(s_image), new TextPart(" and "), new ImagePart(s_image), new TextPart(".")]);
        Assert.Equal("Compare <image> and <image>.", context);
        Assert.Equal(2, images.Length);
        Assert.Equal("Compare <image> and <image>.", LlavaPrompt.UserMessage(context, images.Length, ThinkMode.NoThink));
    }

    [Fact]
    public void Should_concatenate_text_parts_and_keep_a_text_only_request_text_only()
    {
        var (context, images) = ChatRequest.Prompt([new TextPart("Hello, "), new TextPart("world")]);
        Assert.Equal("Hello, world", context);
        Assert.Empty(images);
    }
}
