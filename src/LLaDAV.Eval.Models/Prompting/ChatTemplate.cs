using System.Text;

namespace LLaDAV.Eval.Models.Prompting;

/// <summary>
/// A conversation template of LLaVA-NeXT (<c>conv_templates[name]</c>), rendered in code exactly as the checkpoint's
/// Jinja <c>chat_template</c> renders it (docs/LLADAV-MODEL.md §1.4, §5.1, §9). Both templates here use the LLaMA-3 layout:
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + trimmed content + <c>&lt;|eot_id|&gt;</c>, with the
/// tokenizer's BOS string before the first message.
/// </summary>
public abstract class ChatTemplate
{
    /// <summary>LLaVA's system prompt for both templates (<c>conv_llava_llada</c>, <c>conv_llava_llama_3</c>).</summary>
    public const string LlavaSystemPrompt =
        "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.";

    private const string AssistantHeader = "<|start_header_id|>assistant<|end_header_id|>\n\n";

    private protected ChatTemplate()
    {
    }

    /// <summary>The template names <see cref="For"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [LladaChatTemplate.TemplateName, Llama3ChatTemplate.TemplateName];

    /// <summary>The registry name (<c>conv_template</c> model argument), e.g. <c>llava_llada</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The <c>bos_token</c> the template writes before the first message.</summary>
    public abstract string BosToken { get; }

    /// <summary>The end-of-turn marker generation stops at.</summary>
    public static string EndOfTurn => "<|eot_id|>";

    /// <summary>The system message LLaVA's conversation puts first.</summary>
    public virtual string SystemPrompt => LlavaSystemPrompt;

    /// <summary>
    /// Whether the assistant header is written even without <c>add_generation_prompt</c> (LLaDA's template writes it
    /// unconditionally, LLaMA-3-Instruct's only on request).
    /// </summary>
    protected abstract bool AlwaysAddsAssistantHeader { get; }

    /// <summary>The template registered under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ChatTemplate For(string name) => name switch
    {
        LladaChatTemplate.TemplateName => LladaChatTemplate.Instance,
        Llama3ChatTemplate.TemplateName => Llama3ChatTemplate.Instance,
        _ => throw new ArgumentException($"Unknown conversation template \"{name}\"; known templates: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Renders <paramref name="turns"/> as the Jinja template does:
    /// <c>{% for message in messages %}{% set content = '&lt;|start_header_id|&gt;' + message['role'] + '&lt;|end_header_id|&gt;\n\n' + message['content'] | trim + '&lt;|eot_id|&gt;' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}</c>
    /// then the assistant header. Jinja's filter binds tighter than <c>+</c>, so <c>trim</c> applies to the content only.
    /// </summary>
    public string Render(IReadOnlyList<ChatTurn> turns, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var sb = new StringBuilder();
        for (var i = 0; i < turns.Count; i++)
        {
            if (i == 0)
            {
                sb.Append(BosToken);
            }

            sb.Append("<|start_header_id|>").Append(turns[i].Role).Append("<|end_header_id|>\n\n")
                .Append(JinjaTrim(turns[i].Content)).Append(EndOfTurn);
        }

        if (addGenerationPrompt || AlwaysAddsAssistantHeader)
        {
            sb.Append(AssistantHeader);
        }

        return sb.ToString();
    }

    /// <summary>
    /// LLaVA's <c>Conversation.get_prompt()</c> for one user message: system + user, with the generation prompt
    /// (the assistant turn appended as <c>None</c> is skipped, then <c>add_generation_prompt=True</c>).
    /// </summary>
    public string RenderSingleTurn(string userMessage) =>
        Render([new ChatTurn("system", SystemPrompt), new ChatTurn("user", userMessage)], addGenerationPrompt: true);

    /// <summary>
    /// Jinja's <c>trim</c> is Python's <c>str.strip()</c>: it strips what <c>str.isspace</c> calls whitespace, which
    /// also includes the separators U+001C..U+001F that .NET's <see cref="char.IsWhiteSpace(char)"/> does not.
    /// </summary>
    internal static string JinjaTrim(string text)
    {
        static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }
}

/// <summary>
/// <c>llava_llada</c>: the LLaDA-V tokenizer's template. BOS <c>&lt;|startoftext|&gt;</c>; the assistant header is
/// emitted unconditionally (docs/LLADAV-MODEL.md §1.4).
/// </summary>
public sealed class LladaChatTemplate : ChatTemplate
{
    public const string TemplateName = "llava_llada";

    private LladaChatTemplate()
    {
    }

    public static LladaChatTemplate Instance { get; } = new();

    public override string Name => TemplateName;

    public override string BosToken => "<|startoftext|>";

    protected override bool AlwaysAddsAssistantHeader => true;
}

/// <summary>
/// <c>llava_llama_3</c>: Meta-Llama-3-8B-Instruct's template. BOS <c>&lt;|begin_of_text|&gt;</c>; the assistant header
/// only with <c>add_generation_prompt</c> (docs/LLADAV-MODEL.md §9).
/// </summary>
public sealed class Llama3ChatTemplate : ChatTemplate
{
    public const string TemplateName = "llava_llama_3";

    private Llama3ChatTemplate()
    {
    }

    public static Llama3ChatTemplate Instance { get; } = new();

    public override string Name => TemplateName;

    public override string BosToken => "<|begin_of_text|>";

    protected override bool AlwaysAddsAssistantHeader => false;
}
