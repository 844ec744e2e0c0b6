namespace LLaDAV.Eval.Models.Prompting;

/// <summary>
/// The lmms-eval LLaVA model wrappers' prompt assembly (docs/LMMS-EVAL.md §3.1 step 4, docs/LLADAV-MODEL.md §4, §5.1): when the
/// task text has no <c>&lt;image&gt;</c> placeholder, one <c>&lt;image&gt;</c> per image (joined by single spaces; one
/// for a whole video) and a newline go before it, and the think-mode suffix goes after it; the result is the user
/// message of the conversation template.
/// </summary>
public static class LlavaPrompt
{
    /// <summary>LLaVA's <c>DEFAULT_IMAGE_TOKEN</c>.</summary>
    public const string ImagePlaceholder = "<image>";

    /// <summary>
    /// The user message for <paramref name="context"/> (the task's <c>doc_to_text</c> with its post prompt).
    /// <paramref name="placeholderCount"/> is the number of images, 1 for a video, 0 for a text-only request.
    /// Text that already holds <c>&lt;image&gt;</c> is used as it is, without a think suffix (the wrapper's other branch).
    /// </summary>
    public static string UserMessage(string context, int placeholderCount, ThinkMode thinkMode)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(placeholderCount);
        if (placeholderCount == 0 || context.Contains(ImagePlaceholder, StringComparison.Ordinal))
        {
            return context;
        }

        var placeholders = string.Join(' ', Enumerable.Repeat(ImagePlaceholder, placeholderCount));
        return placeholders + "\n" + context + thinkMode.Suffix();
    }

    /// <summary>The full prompt text: <see cref="UserMessage"/> rendered by <paramref name="template"/> with its system prompt.</summary>
    public static string Render(ChatTemplate template, string context, int placeholderCount, ThinkMode thinkMode)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.RenderSingleTurn(UserMessage(context, placeholderCount, thinkMode));
    }
}
