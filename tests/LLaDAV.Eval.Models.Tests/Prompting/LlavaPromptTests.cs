using LLaDAV.Eval.Models.Prompting;

namespace LLaDAV.Eval.Models.Tests.Prompting;

/// <summary>The lmms-eval wrapper's placeholder and think-mode rules (docs/LMMS-EVAL.md §3.1, docs/LLADAV-MODEL.md §4, §5.1).</summary>
public sealed class LlavaPromptTests
{
    [Fact]
    public void One_image_goes_before_the_question_with_a_newline_and_the_suffix_after()
    {
        Assert.Equal("<image>\nQ? /no_think", LlavaPrompt.UserMessage("Q?", 1, ThinkMode.NoThink));
        Assert.Equal("<image>\nQ? /think", LlavaPrompt.UserMessage("Q?", 1, ThinkMode.Think));
        Assert.Equal("<image>\nQ?", LlavaPrompt.UserMessage("Q?", 1, ThinkMode.None));
    }

    [Fact]
    public void Several_images_are_joined_by_single_spaces()
    {
        Assert.Equal("<image> <image> <image>\nQ? /no_think", LlavaPrompt.UserMessage("Q?", 3, ThinkMode.NoThink));
    }

    [Fact]
    public void Text_that_already_has_a_placeholder_is_left_alone()
    {
        Assert.Equal("Look: <image>\nQ?", LlavaPrompt.UserMessage("Look: <image>\nQ?", 1, ThinkMode.NoThink));
    }

    [Fact]
    public void Numbered_image_tags_are_not_placeholders()
    {
        // MMMU's "<image 1>" text stays and still gets the prefix (docs/LMMS-EVAL.md §3.1 step 4).
        Assert.Equal("<image>\nSee <image 1>. /no_think", LlavaPrompt.UserMessage("See <image 1>.", 1, ThinkMode.NoThink));
    }

    [Theory]
    [InlineData("think", ThinkMode.Think)]
    [InlineData("no_think", ThinkMode.NoThink)]
    [InlineData(null, ThinkMode.None)]
    public void Think_mode_values_parse(string? value, ThinkMode expected) => Assert.Equal(expected, ThinkModes.Parse(value));

    [Fact]
    public void Unknown_think_mode_is_an_error() => Assert.Throws<ArgumentException>(() => ThinkModes.Parse("maybe"));
}
