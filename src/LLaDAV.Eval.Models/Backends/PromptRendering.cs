using LLaDAV.Eval.Models.Prompting;
using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// The one place that turns a task's context into the prompt text and ids a LLaVA-family backend feeds its model
/// (docs/LLADAV-MODEL.md §5): the user message with one <c>&lt;image&gt;</c> per visual and, for LLaDA-V, the think-mode
/// suffix; the family's chat template (<c>llava_llada</c> / <c>llava_llama_3</c>); <c>tokenizer_image_token</c>
/// splicing with −200 placeholders. Shared by the backends and <c>lladav-eval render</c>, so what render prints is
/// what the model sees.
/// </summary>
public static class PromptRendering
{
    public static (string Prompt, int[] Ids) Render(LlavaFamily family, HfTokenizer tokenizer, string context, int visuals, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var template = ChatTemplate.For(family == LlavaFamily.LladaV ? "llava_llada" : "llava_llama_3");
        var think = family == LlavaFamily.LladaV ? ThinkModes.Parse(settings.ThinkMode) : ThinkMode.None;
        var prompt = LlavaPrompt.Render(template, context, visuals, think);
        return (prompt, ImageTokenSplicer.Tokenize(tokenizer, prompt));
    }
}
